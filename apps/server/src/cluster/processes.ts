/**
 * The child processes of a local cluster (Redis aside, see test-support/redis-server.ts): start
 * one with its output kept, wait until it listens, stop it and know when it is gone. Every
 * process started here is killed when this process exits, and a watchdog shell kills it if this
 * process dies without exiting, so no run leaves one behind.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';

/** A running child process. */
export interface ClusterProcess {
  readonly name: string;
  readonly pid: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** True once it has exited. */
  readonly exited: boolean;
  /** Sends `signal` (default SIGTERM) and resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** What to start. */
export interface ProcessSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Also copy its output to this process's stderr. */
  readonly echo?: boolean;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function watch(pid: number): ChildProcess {
  const script = `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; kill -9 ${pid} 2>/dev/null`;
  const watchdog = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watchdog.on('error', () => {});
  watchdog.unref();
  return watchdog;
}

/** Starts a process; rejects when it cannot be started at all (e.g. not installed). */
export async function startProcess(spec: ProcessSpec): Promise<ClusterProcess> {
  const child = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: Buffer[] = [];
  const keep = (chunk: Buffer) => {
    chunks.push(chunk);
    if (spec.echo) process.stderr.write(chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exit = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error) =>
      reject(new Error(`cannot start ${spec.name} (${spec.command}): ${error.message}`)),
    );
  });
  const pid = child.pid ?? 0;
  running.add(child);
  const watchdog = watch(pid);
  child.once('exit', () => {
    running.delete(child);
    // The shell and its `sleep`: it leads a process group of its own (detached).
    if (watchdog.pid !== undefined) {
      try {
        process.kill(-watchdog.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  return {
    name: spec.name,
    pid,
    output: () => Buffer.concat(chunks).toString('utf8'),
    get exited() {
      return exited();
    },
    async stop(signal = 'SIGTERM') {
      if (exited()) return;
      child.kill(signal);
      await exit;
    },
  };
}

/** Resolves once `port` on 127.0.0.1 accepts a connection; rejects if `process` exits first or at the deadline. */
export async function waitForPort(
  port: number,
  process: ClusterProcess,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process.exited) {
      throw new Error(`${process.name} exited before listening:\n${process.output()}`);
    }
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(true));
      socket.once('error', () => resolve(false));
      socket.setTimeout(500, () => resolve(false));
    }).catch(() => false);
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(
    `${process.name} did not listen on ${port} in ${timeoutMs} ms:\n${process.output()}`,
  );
}

/** `count` distinct free TCP ports on 127.0.0.1, each found by binding port 0 (all held at once). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = Array.from({ length: count }, () => net.createServer().listen(0, '127.0.0.1'));
  await Promise.all(servers.map((server) => once(server, 'listening')));
  const ports = servers.map((server) => (server.address() as net.AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
