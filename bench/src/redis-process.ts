/**
 * The Redis that draftbridge's Redis mode runs against: a real `redis-server` the bench starts
 * for each run on a free loopback port, with its data in a temporary folder and nothing
 * persisted (`--save '' --appendonly no`, as the server's own Redis tests run it), stopped by
 * its own pid. `REDIS_SERVER` names another binary.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SERVER_START_TIMEOUT_MS, SERVER_STOP_TIMEOUT_MS } from './constants.js';
import { type ProcessSample, sampleProcess } from './proc-stats.js';

/** The binary started: `redis-server` on the PATH unless REDIS_SERVER says otherwise. */
export const REDIS_SERVER_BINARY = process.env.REDIS_SERVER ?? 'redis-server';

/** A running redis-server. */
export interface RunningRedis {
  readonly url: string;
  readonly pid: number;
  sample(): ProcessSample;
  stop(): Promise<void>;
}

function answersPing(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.setTimeout(500, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      resolve(data.toString('latin1').startsWith('+PONG'));
      socket.destroy();
    });
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}

/** Starts redis-server on `port` of `host`; `track` is told of the child so a Ctrl-C can stop it. */
export async function startRedis(
  host: string,
  port: number,
  track: (child: ChildProcess) => void,
): Promise<RunningRedis> {
  const dir = mkdtempSync(path.join(tmpdir(), 'draftbridge-bench-redis-'));
  const args = ['--port', String(port), '--bind', host, '--save', '', '--appendonly', 'no'];
  const child = spawn(REDIS_SERVER_BINARY, [...args, '--dir', dir, '--loglevel', 'warning'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  track(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderr = (stderr + text).slice(-1000);
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  const exit = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const cleanUp = (): void => rmSync(dir, { recursive: true, force: true });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && spawnError === undefined) {
      child.kill('SIGTERM');
      const stopped = await Promise.race([
        exit.then(() => true),
        sleep(SERVER_STOP_TIMEOUT_MS, false),
      ]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exit;
      }
    }
    cleanUp();
  };
  const deadline = Date.now() + SERVER_START_TIMEOUT_MS;
  while (!(await answersPing(port, host))) {
    if (spawnError !== undefined || child.exitCode !== null || Date.now() > deadline) {
      await stop();
      const why =
        spawnError !== undefined
          ? `cannot start ${REDIS_SERVER_BINARY} (${spawnError.message}): install redis-server or set REDIS_SERVER`
          : `${REDIS_SERVER_BINARY} did not answer PING on port ${port}: ${stderr.trim()}`;
      throw new Error(why);
    }
    await sleep(25);
  }
  const pid = child.pid ?? 0;
  return { url: `redis://${host}:${port}`, pid, sample: () => sampleProcess(pid), stop };
}
