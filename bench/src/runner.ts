/**
 * Runs the plan: repetitions outermost, then scenarios, then the subjects that run each
 * scenario, so the subjects alternate and whatever else the shared machine is doing is spread
 * over all of them. The subjects' order rotates with each repetition. Each run gets a fresh
 * server process, so memory figures start from the same point and one run's garbage never
 * lands in the next. A burst or paced run has the machine to itself; the capacity scenario
 * starts every subject's server at once and lets their handshake passes take turns, batch by
 * batch (scenarios/capacity.ts says why). After a draftbridge run its own counters say whether
 * a limit acted.
 *
 * The machine is shared. A run during which the rest of the machine used more than
 * DISTURBED_CPU_PERCENT of a core is kept in the records, marked `discarded`, and run again
 * (after a pause), at most MAX_ATTEMPTS times in all; the last attempt counts whatever it saw.
 * Subjects measured together are run again together.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { now } from './client/delivery-counter.js';
import {
  type BenchPlan,
  DISTURBED_CPU_PERCENT,
  DISTURBED_RETRY_PAUSE_MS,
  MAX_ATTEMPTS,
  type ScenarioName,
} from './constants.js';
import { rotate } from './rotate.js';
import { runBurst } from './scenarios/burst.js';
import { runCapacity } from './scenarios/capacity.js';
import { SCENARIO_SUBJECTS, SCENARIOS } from './scenarios/catalog.js';
import { runPaced } from './scenarios/paced.js';
import type { RunOutcome, ScenarioContext } from './scenarios/scenario-context.js';
import { readServerCounters } from './server-counters.js';
import { launchGroup, type ServerGroup } from './server-process.js';
import { DRAFTBRIDGE_SUBJECTS, type Subject, type SubjectName } from './subjects.js';

/** One scenario run against one subject. */
export interface RunRecord {
  readonly scenario: ScenarioName;
  readonly subject: SubjectName;
  readonly repetition: number;
  /** 1 for the first attempt of this run, more when a disturbed attempt was repeated. */
  readonly attempt: number;
  /** The rest of the machine was busy during this attempt: it is not summarized. */
  readonly discarded?: boolean;
  readonly metrics: Record<string, number>;
  readonly notes: readonly string[];
  /** CPU profiles of the server written during the run (with --profile). */
  readonly profiles?: readonly string[];
  /** Set when the run failed and has no figures. */
  readonly error?: string;
}

/** What to run and within what time. */
export interface RunnerOptions {
  readonly plan: BenchPlan;
  readonly subjects: readonly Subject[];
  readonly scenarios: readonly ScenarioName[];
  /** Repetitions that would end past this many ms from the start are not begun. */
  readonly budgetMs: number;
  /** Sockets the generator may hold at once (its open-file limit, less some headroom). */
  readonly socketRoom: number;
  /** Subjects whose servers are CPU-profiled over each measured window, into `profileDir`. */
  readonly profile: readonly SubjectName[];
  readonly profileDir: string;
  readonly log: (line: string) => void;
  /** Called with each record as it is made (the profiles' summaries are printed there). */
  readonly onRecord?: (record: RunRecord) => void;
}

async function runScenario(
  name: ScenarioName,
  contexts: readonly ScenarioContext[],
  socketRoom: number,
): Promise<RunOutcome[]> {
  const spec = SCENARIOS[name];
  if (spec.kind === 'capacity') return runCapacity(contexts, socketRoom);
  const [context] = contexts;
  if (context === undefined || contexts.length > 1) {
    throw new Error(`${name} runs one subject at a time`);
  }
  return [spec.kind === 'burst' ? await runBurst(context, spec) : await runPaced(context, spec)];
}

/** Runs every repetition that fits the budget; returns one record per run. */
export async function runBench(options: RunnerOptions): Promise<RunRecord[]> {
  const { plan, subjects, scenarios, log } = options;
  const records: RunRecord[] = [];
  const startedAt = now();
  let longestRepetition = 0;
  for (let repetition = 1; repetition <= plan.repetitions; repetition += 1) {
    const elapsed = now() - startedAt;
    if (repetition > 1 && elapsed + longestRepetition > options.budgetMs) {
      log(
        `stopping after ${repetition - 1} repetition(s): another (~${Math.round(longestRepetition / 1000)} s) would pass the ${Math.round(options.budgetMs / 1000)} s budget`,
      );
      break;
    }
    const repetitionStart = now();
    const order = rotate(subjects, repetition - 1);
    for (const scenario of scenarios) {
      const chosen = order.filter((s) => SCENARIO_SUBJECTS[scenario].includes(s.name));
      // Capacity runs every subject at once (its handshake passes take turns); the others one
      // subject at a time, the machine to itself.
      const groups = SCENARIOS[scenario].kind === 'capacity' ? [chosen] : chosen.map((s) => [s]);
      for (const group of groups) {
        if (group.length === 0) continue;
        const profileStems = group.map((subject) =>
          options.profile.includes(subject.name)
            ? path.join(options.profileDir, `${scenario}-${subject.name}-rep${repetition}`)
            : null,
        );
        for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
          const runs = await runGroup(group, scenario, repetition, options, profileStems);
          // One disturbed subject sends the whole group again: they were measured together.
          const again =
            attempt < MAX_ATTEMPTS &&
            runs.some((run) => (run.metrics.otherCpuPercent ?? 0) > DISTURBED_CPU_PERCENT);
          for (const run of runs) {
            const record: RunRecord = { ...run, attempt, ...(again ? { discarded: true } : {}) };
            records.push(record);
            log(describeRecord(record));
            options.onRecord?.(record);
          }
          if (!again) break;
          await sleep(DISTURBED_RETRY_PAUSE_MS);
        }
      }
    }
    longestRepetition = Math.max(longestRepetition, now() - repetitionStart);
  }
  return records;
}

// Runs one scenario with every subject of `group` up at once; one record per subject.
async function runGroup(
  group: readonly Subject[],
  scenario: ScenarioName,
  repetition: number,
  options: RunnerOptions,
  profileStems: readonly (string | null)[],
): Promise<Omit<RunRecord, 'attempt'>[]> {
  const base = (subject: Subject) => ({ scenario, subject: subject.name, repetition });
  const servers: ServerGroup[] = [];
  try {
    // One after another: each launch picks free ports, and two at once could pick the same.
    for (const subject of group) {
      try {
        servers.push(await launchGroup(subject.launch, subject.instances));
      } catch (error) {
        // Subjects run together are measured together: without one, none is.
        const why = (error as Error).message;
        return group.map((other) => ({
          ...base(other),
          metrics: {},
          notes: [],
          error: other === subject ? why : `not run: ${subject.name} did not start (${why})`,
        }));
      }
    }
    const contexts: ScenarioContext[] = group.map((subject, i) => ({
      subject,
      server: servers[i] as ServerGroup,
      plan: options.plan,
      profileStem: profileStems[i] ?? null,
    }));
    let outcomes: RunOutcome[];
    try {
      outcomes = await runScenario(scenario, contexts, options.socketRoom);
    } catch (error) {
      return contexts.map(({ subject, server }) => {
        const crashed = server.hasExited()
          ? ` (server exited: ${server.stderrTail().slice(-300)})`
          : '';
        return {
          ...base(subject),
          metrics: {},
          notes: [],
          error: `${(error as Error).message}${crashed}`,
        };
      });
    }
    const runs: Omit<RunRecord, 'attempt'>[] = [];
    for (const [i, { subject, server }] of contexts.entries()) {
      const outcome = outcomes[i] ?? { metrics: {}, notes: [] };
      runs.push({ ...base(subject), ...(await withCounters(subject, server, outcome)) });
    }
    return runs;
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

// A run's figures and notes, with what a draftbridge server's own counters say it did.
async function withCounters(
  subject: Subject,
  server: ServerGroup,
  outcome: RunOutcome,
): Promise<Pick<RunRecord, 'metrics' | 'notes' | 'profiles'>> {
  const notes = [...outcome.notes];
  const metrics = { ...outcome.metrics };
  if (DRAFTBRIDGE_SUBJECTS.includes(subject.name)) {
    const counters = await readServerCounters(server.ports);
    metrics.serverRateLimited = counters.rateLimited;
    metrics.serverSlowReadersClosed = counters.slowReadersClosed;
    metrics.serverErrorsSent = counters.errorsSent;
    if (counters.rateLimited > 0) notes.push(`${counters.rateLimited} frames rate-limited`);
    if (counters.errorsSent > 0) notes.push(`the server sent ${counters.errorsSent} errors`);
    if (counters.slowReadersClosed > 0) {
      notes.push(`the server dropped ${counters.slowReadersClosed} slow readers`);
    }
  }
  if (server.hasExited()) notes.push(`the server exited during the run: ${server.stderrTail()}`);
  return {
    metrics,
    notes,
    ...(outcome.profiles !== undefined && outcome.profiles.length > 0
      ? { profiles: outcome.profiles }
      : {}),
  };
}

const HEADLINE: Record<'burst' | 'paced' | 'capacity', readonly string[]> = {
  burst: [
    'deliveriesPerSecond',
    'p99Ms',
    'serverCpuPercent',
    'generatorCpuPercent',
    'redisCpuPercent',
    'gcMarkCompact',
  ],
  paced: ['p50Ms', 'p99Ms', 'maxMs', 'deliveredFraction', 'serverCpuPercent'],
  capacity: [
    'rfc6455.handshakesPerSecond',
    'hixie76.handshakesPerSecond',
    'rfc6455.heapPerConnectionKb',
    'hixie76.heapPerConnectionKb',
    'rfc6455.memoryPerConnectionKb',
    'hixie76.memoryPerConnectionKb',
  ],
};

/** One progress line for a finished run. */
export function describeRecord(record: RunRecord): string {
  const attempt = record.attempt > 1 ? ` attempt ${record.attempt}` : '';
  const head = `[rep ${record.repetition}${attempt}] ${record.scenario} ${record.subject}:`;
  if (record.error !== undefined) return `${head} FAILED ${record.error}`;
  const figures = HEADLINE[SCENARIOS[record.scenario].kind]
    .filter((key) => record.metrics[key] !== undefined)
    .map((key) => `${key}=${formatNumber(record.metrics[key] ?? Number.NaN)}`);
  const others = record.metrics.otherCpuPercent;
  if (others !== undefined) figures.push(`rest=${formatNumber(others)}%`);
  const notes = record.notes.length > 0 ? ` (${record.notes.join('; ')})` : '';
  const discarded = record.discarded === true ? ' DISCARDED: the machine was busy, run again' : '';
  return `${head} ${figures.join(' ')}${notes}${discarded}`;
}

function formatNumber(value: number): string {
  return Math.abs(value) >= 100 ? String(Math.round(value)) : value.toPrecision(3);
}
