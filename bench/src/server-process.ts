/**
 * Starts a subject as its own child process (or, for draftbridge on Redis, several) on free
 * loopback ports, waits for the health checks, samples them from /proc, and stops them:
 * SIGTERM, then SIGKILL if one lingers, always by its own pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { HEALTH_PATH, SERVER_START_TIMEOUT_MS, SERVER_STOP_TIMEOUT_MS } from './constants.js';
import { type ProcessSample, sampleProcess } from './proc-stats.js';

/** One subject's processes, seen as one server: figures are summed over the instances. */
export interface ServerGroup {
  readonly pids: readonly number[];
  readonly ports: readonly number[];
  /** The port connection number `index` uses: connections alternate between instances. */
  portFor(index: number): number;
  /** CPU time and memory summed over the instances (the peak is the sum of the peaks). */
  sample(): ProcessSample;
  /** Whether any instance has exited. */
  hasExited(): boolean;
  stderrTail(): string;
  stop(): Promise<void>;
}

/** The loopback address every subject listens on. */
export const BENCH_HOST = '127.0.0.1';

/** How to start a subject's process. */
export interface LaunchSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** Added to the bench's own environment, after PORT and HOST. */
  readonly env: Readonly<Record<string, string>>;
}

/** A subject's process, listening. */
export interface RunningServer {
  readonly pid: number;
  readonly port: number;
  /** CPU and memory of the process now. */
  sample(): ProcessSample;
  /** Whether the process has exited (crashed, for a server mid-run). */
  hasExited(): boolean;
  /** The last lines the process wrote to stderr, for error messages. */
  stderrTail(): string;
  stop(): Promise<void>;
}

const STDERR_TAIL_CHARS = 2000;

// Every child still running, so an interrupted bench can stop exactly the processes it started.
const liveChildren = new Set<ChildProcess>();

/** Sends SIGKILL to every server process this bench started that is still running. */
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
export async function launchServer(spec: LaunchSpec): Promise<RunningServer> {
  const port = await findFreePort();
  // stdout goes nowhere: a server that logs per connection must never block on a full pipe.
  const child = spawn(spec.command, [...spec.args], {
    cwd: spec.cwd,
    env: { ...process.env, PORT: String(port), HOST: BENCH_HOST, ...spec.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderr = (stderr + text).slice(-STDERR_TAIL_CHARS);
  });
  let exited = false;
  liveChildren.add(child);
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      liveChildren.delete(child);
      resolve();
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${spec.command}`);
  const server: RunningServer = {
    pid,
    port,
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
      throw new Error(`${spec.args.at(-1) ?? spec.command} ${why}: ${stderr.trim().slice(-500)}`);
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

/** Starts `instances` copies of the process; each gets its own port. */
export async function launchGroup(spec: LaunchSpec, instances: number): Promise<ServerGroup> {
  const servers: RunningServer[] = [];
  try {
    for (let i = 0; i < instances; i += 1) servers.push(await launchServer(spec));
  } catch (error) {
    await Promise.all(servers.map((server) => server.stop()));
    throw error;
  }
  const ports = servers.map((server) => server.port);
  return {
    pids: servers.map((server) => server.pid),
    ports,
    portFor: (index) => ports[index % ports.length] ?? 0,
    sample() {
      const samples = servers.map((server) => server.sample());
      const sum = (pick: (sample: ProcessSample) => number): number =>
        samples.reduce((total, sample) => total + pick(sample), 0);
      return {
        cpuUserMs: sum((s) => s.cpuUserMs),
        cpuSystemMs: sum((s) => s.cpuSystemMs),
        rssKb: sum((s) => s.rssKb),
        peakRssKb: sum((s) => s.peakRssKb),
      };
    },
    hasExited: () => servers.some((server) => server.hasExited()),
    stderrTail: () =>
      servers
        .map((server) => server.stderrTail())
        .filter(Boolean)
        .join('\n'),
    stop: async () => {
      await Promise.all(servers.map((server) => server.stop()));
    },
  };
}
