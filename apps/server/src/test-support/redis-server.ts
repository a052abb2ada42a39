/**
 * A real `redis-server` for the Redis hub tests, on a free loopback port, with its data in a
 * temporary folder.
 *
 * By default nothing is persisted (`--save '' --appendonly no`). With `durable: true` the
 * append-only file is written and fsynced on every write (`appendfsync always`), so a stop with
 * SIGKILL followed by `restart()` keeps every write Redis acknowledged: that is what a test of
 * "no acknowledged message lost across a Redis restart" needs.
 *
 * Every server started here is also stopped when the test process exits, and a small
 * watchdog shell kills it if the test process dies without exiting (a worker killed on
 * timeout), so no run ever leaves a redis-server behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Where the tests find the server; `REDIS_SERVER` overrides it. */
const REDIS_SERVER_BINARY = process.env.REDIS_SERVER ?? 'redis-server';

/** How long a start may take before the test gives up. */
const START_TIMEOUT_MS = 10_000;

/** A running test Redis. */
export interface TestRedis {
  /** `redis://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Stops the server: SIGTERM by default, SIGKILL for a crash. Resolves once it has exited. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts the server again on the same port with the same data folder. */
  restart(): Promise<void>;
  /** Stops the server for good and removes its data folder. */
  dispose(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Kills `pid` and removes `dir` once this process is gone; killed itself when the server is
 * stopped normally.
 */
function watch(pid: number, dir: string): ChildProcess {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 ${pid} 2>/dev/null; rm -rf '${dir}'`;
  const watchdog = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watchdog.on('error', () => {});
  watchdog.unref();
  return watchdog;
}

/** Finds a free TCP port on 127.0.0.1 by binding port 0 and releasing it. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves when `port` answers a PING with PONG, or rejects at the deadline. */
async function waitForPong(port: number, child: ChildProcess): Promise<void> {
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (spawnError !== undefined) {
      throw new Error(
        `cannot start ${REDIS_SERVER_BINARY} (${spawnError.message}): the Redis tests need a real redis-server; install it (apt-get install redis-server) or point REDIS_SERVER at one`,
      );
    }
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    const answered = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setTimeout(500, () => socket.destroy());
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (data) => {
        resolve(data.toString().startsWith('+PONG'));
        socket.destroy();
      });
      socket.on('error', () => resolve(false));
      socket.on('close', () => resolve(false));
    });
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server did not answer on port ${port} within ${START_TIMEOUT_MS} ms`);
}

/** Starts a redis-server on a free port; `durable` fsyncs every write to an append-only file. */
export async function startRedisServer(options: { durable?: boolean } = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(tmpdir(), 'draftbridge-redis-'));
  const persistence = options.durable
    ? ['--appendonly', 'yes', '--appendfsync', 'always']
    : ['--appendonly', 'no'];
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    ...persistence,
    '--dir',
    dir,
    '--loglevel',
    'warning',
  ];
  let child: ChildProcess | undefined;
  let watchdog: ChildProcess | undefined;

  async function start() {
    const started = spawn(REDIS_SERVER_BINARY, args, { stdio: ['ignore', 'ignore', 'inherit'] });
    running.add(started);
    started.once('exit', () => running.delete(started));
    child = started;
    if (started.pid !== undefined) watchdog = watch(started.pid, dir);
    try {
      await waitForPong(port, started);
    } catch (error) {
      started.kill('SIGKILL');
      throw error;
    }
  }

  async function stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM') {
    const current = child;
    child = undefined;
    watchdog?.kill('SIGKILL');
    watchdog = undefined;
    if (current === undefined || current.exitCode !== null || current.signalCode !== null) return;
    const exited = once(current, 'exit');
    current.kill(signal);
    await exited;
  }

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    async restart() {
      await stop();
      await start();
    },
    async dispose() {
      await stop('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
