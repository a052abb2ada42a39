/**
 * One attack, measured the same way in the test and the full-scale run: the server's heap and
 * RSS when idle, at their peak during the attack, and after the attackers left (after full
 * collections), and a bystander's ping latency throughout.
 */
import type { AttackOutcome } from './attacks.js';
import {
  type AttackServer,
  type Latency,
  mib,
  sleep,
  startAttackServer,
  startBystander,
} from './harness.js';
import type { AttackServerMemory } from './server-process.js';

/** Server settings that the rate and the inbound budget do not slow: to fill what is attacked. */
export const FAST_SENDER_ENV: Readonly<Record<string, string>> = {
  RATE_PER_SECOND: '100000',
  RATE_BURST: '100000',
  INBOUND_BYTES_PER_SECOND: '1073741824',
  INBOUND_BURST_BYTES: '1073741824',
};

/** What one attack did to the server. */
export interface AttackReport extends AttackOutcome {
  readonly name: string;
  readonly idle: AttackServerMemory;
  readonly peak: AttackServerMemory;
  readonly after: AttackServerMemory;
  readonly bystander: Latency;
  /** How long the attack ran, in seconds (the CPU in `peak` is for that time). */
  readonly seconds: number;
  /** False if the server process died. */
  readonly survived: boolean;
}

/** What `runAttack` needs. */
export interface AttackRun {
  readonly name: string;
  /** Server settings for this attack, on top of the defaults. */
  readonly env?: Readonly<Record<string, string>>;
  /** The server's `ulimit -n`, for attacks on file descriptors. */
  readonly fdLimit?: number;
  readonly attack: (server: AttackServer) => Promise<AttackOutcome>;
  /** Time for the server to let go of what the attackers left, before `after` (default 1 s). */
  readonly drainMs?: number;
}

/** Starts a server, measures it idle, runs the attack with a bystander, measures again. */
export async function runAttack(run: AttackRun): Promise<AttackReport> {
  const server = await startAttackServer(run.env, run.fdLimit);
  try {
    // Code loaded and compiled on first use is not the attack's: warm up with a bystander.
    const warm = await startBystander(server, 'warm-up');
    await sleep(300);
    await warm.stop();
    await sleep(200);
    const idle = await server.measure();
    await server.peak();
    const bystander = await startBystander(server);
    const started = performance.now();
    const outcome = await run.attack(server);
    const peak = await server.peak();
    const seconds = (performance.now() - started) / 1000;
    const latency = await bystander.stop();
    await sleep(run.drainMs ?? 1000);
    const after = await server.measure();
    return {
      name: run.name,
      ...outcome,
      idle,
      peak,
      after,
      bystander: latency,
      seconds,
      survived: server.alive,
    };
  } finally {
    await server.stop();
  }
}

/** One line of the report table. */
export function formatReport(report: AttackReport): string {
  const ended = Object.entries(report.ended)
    .map(([how, count]) => `${count}× ${how}`)
    .join(', ');
  const figures = Object.entries(report.figures)
    .map(([name, value]) => `${name} ${Number.isInteger(value) ? value : value.toFixed(2)}`)
    .join(', ');
  return [
    `[hardening] ${report.name}: ${report.sent}`,
    `  ended: ${ended}; ${figures}`,
    `  server heap idle ${mib(report.idle.heapUsed)}, peak ${mib(report.peak.heapUsed)},${report.held === undefined ? '' : ` held ${mib(report.held.heapUsed)} with the attackers on,`} after ${mib(report.after.heapUsed)}; RSS idle ${mib(report.idle.rss)}, peak ${mib(report.peak.rss)}; CPU ${report.peak.cpuSeconds.toFixed(2)} s in ${report.seconds.toFixed(1)} s (${((100 * report.peak.cpuSeconds) / report.seconds).toFixed(0)}%), event loop late ${report.peak.loopDelayMaxMs.toFixed(0)} ms at most`,
    `  bystander: ${report.bystander.count} pings, p50 ${report.bystander.p50.toFixed(1)} ms, p99 ${report.bystander.p99.toFixed(1)} ms, max ${report.bystander.max.toFixed(1)} ms${report.bystander.disconnected ? ', DISCONNECTED' : ''}; server ${report.survived ? 'alive' : 'DIED'}`,
  ].join('\n');
}
