/**
 * Starts a subject as its own child process (or, for draftbridge on Redis, two instances and
 * the redis-server they share) on free loopback ports, waits for the health checks, samples
 * them from /proc and through the probe each one carries (probe/server-probe.ts), and stops
 * them: SIGTERM, then SIGKILL if one lingers, always by its own pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HEALTH_PATH, SERVER_START_TIMEOUT_MS, SERVER_STOP_TIMEOUT_MS } from './constants.js';
import { ProbeChannel } from './probe/probe-client.js';
import type { ProbeSample } from './probe/probe-protocol.js';
import { type ProcessSample, sampleProcess } from './proc-stats.js';
import { type RunningRedis, startRedis } from './redis-process.js';

/** One subject's processes, seen as one server: figures are summed over the instances. */
export interface ServerGroup {
  readonly pids: readonly number[];
  readonly ports: readonly number[];
  /** The port connection number `index` uses: connections alternate between instances. */
  portFor(index: number): number;
  /** CPU time and memory summed over the instances (the peak is the sum of the peaks). */
  sample(): ProcessSample;
  /** The instances' own view (heap, GC counts), summed; with `collect`, after a full GC each. */
  probeSample(collect?: boolean): Promise<ProbeSample>;
  /** The redis-server's CPU and memory, for a subject that has one. */
  redisSample(): ProcessSample | null;
  /** Starts a CPU profile in every instance. */
  startProfile(intervalUs: number): Promise<void>;
  /** Stops the profiles; instance i writes `${fileStem}-${i}.cpuprofile`. Returns the files. */
  stopProfile(fileStem: string): Promise<string[]>;
  /** Writes a heap snapshot of the first instance to `file`. */
  heapSnapshot(file: string): Promise<void>;
  /** Whether any instance has exited. */
  hasExited(): boolean;
  stderrTail(): string;
  stop(): Promise<void>;
}

/** The loopback address every subject listens on. */
export const BENCH_HOST = '127.0.0.1';

/** How to start a subject's process: always Node, with the bench's probe loaded first. */
export interface LaunchSpec {
  /** The script and its arguments (after Node's own flags). */
  readonly args: readonly string[];
  readonly cwd: string;
  /** Added to the bench's own environment, after PORT and HOST. */
  readonly env: Readonly<Record<string, string>>;
  /** Whether the instances share a redis-server the bench starts (their REDIS_URL). */
  readonly redis?: boolean;
}

/** A subject's process, listening. */
export interface RunningServer {
  readonly pid: number;
  readonly port: number;
  readonly probe: ProbeChannel;
  /** CPU and memory of the process now. */
  sample(): ProcessSample;
  /** Whether the process has exited (crashed, for a server mid-run). */
  hasExited(): boolean;
  /** The last lines the process wrote to stderr, for error messages. */
  stderrTail(): string;
  stop(): Promise<void>;
}

const STDERR_TAIL_CHARS = 2000;

// Compiled, the probe is plain JavaScript; from source (the tests), tsx loads it and the peers.
const fromSource = import.meta.url.endsWith('.ts');
const probeFile = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'probe',
  `server-probe.${fromSource ? 'ts' : 'js'}`,
);

/** Node's flags for every subject: the probe, and gc() for measuring live memory. */
export function nodeFlags(): string[] {
  const tsx = fromSource ? ['--import', import.meta.resolve('tsx')] : [];
  return [...tsx, '--expose-gc', '--import', pathToFileURL(probeFile).href];
}

// Every child still running, so an interrupted bench can stop exactly the processes it started.
const liveChildren = new Set<ChildProcess>();

function track(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

/** Sends SIGKILL to every process this bench started that is still running. */
export function killAllServers(): void {
  for (const child of liveChildren) child.kill('SIGKILL');
  liveChildren.clear();
}

/** A port that was free a moment ago on the bench host. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, BENCH_HOST, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Starts the process and resolves once its health check answers 200. */
export async function launchServer(
  spec: LaunchSpec,
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<RunningServer> {
  const port = await findFreePort();
  // stdout goes nowhere: a server that logs per connection must never block on a full pipe.
  const child = spawn(process.execPath, [...nodeFlags(), ...spec.args], {
    cwd: spec.cwd,
    env: { ...process.env, PORT: String(port), HOST: BENCH_HOST, ...spec.env, ...extraEnv },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_TAIL_CHARS);
  });
  let exited = false;
  track(child);
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${spec.args.at(-1) ?? 'node'}`);
  const server: RunningServer = {
    pid,
    port,
    probe: new ProbeChannel(child),
    sample: () => sampleProcess(pid),
    hasExited: () => exited,
    stderrTail: () => stderr.trim(),
    stop: () => stopChild(child, exit),
  };
  const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
  while (!(await isHealthy(port))) {
    if (exited || Date.now() > deadline) {
      await server.stop();
      const why = exited ? 'exited' : `did not answer ${HEALTH_PATH} in time`;
      throw new Error(`${spec.args.at(-1) ?? 'node'} ${why}: ${stderr.trim().slice(-500)}`);
    }
    await sleep(50);
  }
  return server;
}

async function stopChild(child: ChildProcess, exit: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const stopped = await Promise.race([exit.then(() => true), sleep(SERVER_STOP_TIMEOUT_MS, false)]);
  if (!stopped) {
    child.kill('SIGKILL');
    await exit;
  }
}

function isHealthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const request = http.get({ host: BENCH_HOST, port, path: HEALTH_PATH, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    request.setTimeout(1000, () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/** The field-by-field sum of several processes' readings (the instances of one subject). */
export function sumFields<T extends object>(samples: readonly T[]): T {
  const total: Record<string, number> = {};
  for (const sample of samples) {
    for (const [key, value] of Object.entries(sample)) {
      if (typeof value === 'number') total[key] = (total[key] ?? 0) + value;
    }
  }
  return total as T;
}

/** Starts `instances` copies of the process (and their redis-server); each gets its own port. */
export async function launchGroup(spec: LaunchSpec, instances: number): Promise<ServerGroup> {
  const servers: RunningServer[] = [];
  let redis: RunningRedis | undefined;
  const stopAll = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()));
    await redis?.stop();
  };
  try {
    const extraEnv: Record<string, string> = {};
    if (spec.redis === true) {
      redis = await startRedis(BENCH_HOST, await findFreePort(), track);
      extraEnv.REDIS_URL = redis.url;
    }
    for (let i = 0; i < instances; i += 1) servers.push(await launchServer(spec, extraEnv));
  } catch (error) {
    await stopAll();
    throw error;
  }
  const ports = servers.map((server) => server.port);
  return {
    pids: servers.map((server) => server.pid),
    ports,
    portFor: (index) => ports[index % ports.length] ?? 0,
    sample: () => sumFields(servers.map((server) => server.sample())),
    async probeSample(collect = false) {
      return sumFields(await Promise.all(servers.map((s) => s.probe.sample(collect))));
    },
    redisSample: () => redis?.sample() ?? null,
    async startProfile(intervalUs) {
      await Promise.all(
        servers.map((s) => s.probe.request({ command: 'profile-start', intervalUs })),
      );
    },
    async stopProfile(fileStem) {
      const files = servers.map((_, i) => `${fileStem}-${i}.cpuprofile`);
      await Promise.all(
        servers.map((s, i) =>
          s.probe.request({ command: 'profile-stop', file: files[i] ?? `${fileStem}.cpuprofile` }),
        ),
      );
      return files;
    },
    async heapSnapshot(file) {
      await servers[0]?.probe.request({ command: 'heap-snapshot', file });
    },
    hasExited: () => servers.some((server) => server.hasExited()),
    stderrTail: () =>
      servers
        .map((server) => server.stderrTail())
        .filter(Boolean)
        .join('\n'),
    stop: stopAll,
  };
}
