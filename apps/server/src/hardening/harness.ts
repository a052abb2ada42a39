/**
 * What every attack needs: the server in a child process (server-process.ts) so that its
 * memory is measured apart from the attackers', a bystander that keeps pinging through it all
 * and times the answers, and sockets that push bytes as fast as the server takes them.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { BystanderReport } from './bystander-process.js';
import type { AttackServerMemory, AttackServerRequest } from './server-process.js';

// ATTACK_SERVER=dist runs the compiled server (npm run build): tsx's transform names every
// function with a property of its own, which adds to what a connection seems to cost.
const SERVER_ENTRY =
  process.env.ATTACK_SERVER === 'dist'
    ? path.join(import.meta.dirname, '../../dist/hardening/server-process.js')
    : path.join(import.meta.dirname, 'server-process.ts');

/** The server under attack. */
export interface AttackServer {
  readonly port: number;
  /** `ws://127.0.0.1:PORT` */
  readonly ws: string;
  /** `http://127.0.0.1:PORT` */
  readonly http: string;
  /** Heap and RSS after full collections. */
  measure(): Promise<AttackServerMemory>;
  /** The highest heap and RSS since the last call, sampled every 50 ms. */
  peak(): Promise<AttackServerMemory>;
  /** Writes a heap snapshot of the server to `file` (after full collections). */
  snapshot(file: string): Promise<AttackServerMemory>;
  /** The value of a metric on /metrics, summed over its labels (filtered by `label` if given). */
  metric(name: string, label?: string): Promise<number>;
  /** False once the process has exited. */
  readonly alive: boolean;
  stop(): Promise<void>;
}

/**
 * Starts a server with `env` on top of a quiet default configuration; with `fdLimit` the
 * process may hold that many file descriptors at most (`ulimit -n`).
 */
export async function startAttackServer(
  env: Readonly<Record<string, string>> = {},
  fdLimit?: number,
): Promise<AttackServer> {
  // ATTACK_NODE_ARGS, e.g. `--cpu-prof`, goes to the server's node: to profile an attack.
  const nodeArgs = (process.env.ATTACK_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const loader = SERVER_ENTRY.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const command = [process.execPath, ...nodeArgs, ...loader, SERVER_ENTRY];
  const [file, args] =
    fdLimit === undefined
      ? [process.execPath, command.slice(1)]
      : ['/bin/sh', ['-c', `ulimit -n ${fdLimit} && exec "$0" "$@"`, ...command]];
  const child: ChildProcess = spawn(file as string, args as string[], {
    cwd: path.join(import.meta.dirname, '../..'),
    env: {
      ...process.env,
      LOG_LEVEL: 'silent',
      // The web app is not under attack; any folder with an index.html will do.
      WEB_ROOT: path.join(import.meta.dirname, 'web-root'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  let alive = true;
  child.once('exit', () => {
    alive = false;
  });
  // The port is the line that says it; anything else the process prints (a node flag's
  // trace, say) is passed on.
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const port = await new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => {
      if (line.startsWith('{"port":')) resolve((JSON.parse(line) as { port: number }).port);
      else process.stdout.write(`${line}\n`);
    });
    child.once('exit', (code) => reject(new Error(`the server exited (${code})`)));
  });
  const ask = (request: AttackServerRequest) =>
    new Promise<AttackServerMemory>((resolve, reject) => {
      if (!alive) {
        reject(new Error('the server process has exited'));
        return;
      }
      child.once('message', (answer) => resolve(answer as AttackServerMemory));
      child.send(request);
    });
  const http = `http://127.0.0.1:${port}`;
  return {
    port,
    ws: `ws://127.0.0.1:${port}`,
    http,
    measure: () => ask({ type: 'measure' }),
    peak: () => ask({ type: 'peak' }),
    snapshot: (file) => ask({ type: 'snapshot', file }),
    async metric(name, label) {
      const text = await (await fetch(`${http}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(name)) continue;
        const rest = line.slice(name.length);
        if (rest[0] !== ' ' && rest[0] !== '{') continue;
        if (label !== undefined && !rest.includes(label)) continue;
        sum += Number(line.slice(line.lastIndexOf(' ') + 1));
      }
      return sum;
    },
    get alive() {
      return alive;
    },
    async stop() {
      if (!alive) return;
      const exited = once(child, 'exit');
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** How long the bystander's pings took, in ms. */
export interface Latency {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** True when the bystander lost its connection during the attack. */
  readonly disconnected: boolean;
}

/** A member of its own room, in its own process, that pings every `everyMs` and times each pong. */
export interface Bystander {
  stop(): Promise<Latency>;
}

const quantile = (sorted: readonly number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

const BYSTANDER_ENTRY = path.join(import.meta.dirname, 'bystander-process.ts');

/** Starts the bystander in `room` and resolves once it has joined. */
export async function startBystander(
  server: AttackServer,
  room = 'bystander',
  // Under the default rate limit (20 a second): a bystander's pings must all be answered.
  everyMs = 60,
): Promise<Bystander> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', BYSTANDER_ENTRY, `${server.ws}/ws`, room, String(everyMs)],
    {
      cwd: path.join(import.meta.dirname, '../..'),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  // Ended with the test's process, whatever happens to the test.
  const killChild = () => child.kill();
  process.once('exit', killChild);
  child.once('exit', () => process.off('exit', killChild));
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the bystander exited (${code})`)));
  });
  return {
    async stop() {
      const report = await new Promise<BystanderReport>((resolve, reject) => {
        child.once('message', (answer) => resolve(answer as BystanderReport));
        child.once('exit', (code) => reject(new Error(`the bystander exited (${code})`)));
        child.send('stop');
      });
      const sorted = [...report.times].sort((a, b) => a - b);
      return {
        count: sorted.length,
        p50: quantile(sorted, 0.5),
        p99: quantile(sorted, 0.99),
        max: sorted.at(-1) ?? 0,
        disconnected: report.disconnected,
      };
    },
  };
}

/**
 * Writes `chunk()` to `socket` as fast as it takes it (waiting for `drain` when it does not),
 * until `until` ms have passed, the socket is gone or `chunk()` is empty; resolves with the
 * bytes handed to the socket (the kernel's buffers included, not only what the server read).
 */
export async function pump(
  socket: net.Socket,
  chunk: () => Buffer,
  untilMs: number,
): Promise<number> {
  const deadline = performance.now() + untilMs;
  let written = 0;
  while (performance.now() < deadline && !socket.destroyed && socket.writable) {
    const bytes = chunk();
    if (bytes.length === 0) break;
    written += bytes.length;
    if (!socket.write(bytes)) {
      // `once` rejects when the socket errors while it waits: a server that resets a peer
      // which keeps sending past its Close (EPIPE, ECONNRESET) ends the pump, not the run.
      const drained = once(socket, 'drain').then(
        () => true,
        () => false,
      );
      const closed = once(socket, 'close').then(
        () => false,
        () => false,
      );
      const timeout = new Promise<boolean>((resolve) =>
        setTimeout(() => resolve(true), Math.max(0, deadline - performance.now())),
      );
      await Promise.race([drained, closed, timeout]);
    } else {
      // Let the loop breathe: other sockets and the timers of this process share it.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return written;
}

/** `n` ms. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** MiB with one decimal. */
export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
