/**
 * Runs the plan: repetitions outermost, then scenarios, then subjects, so the subjects
 * alternate and whatever else the shared machine is doing is spread over all of them. The
 * subjects' order rotates with each repetition. Each run gets a fresh server process, so memory
 * figures start from the same point and one run's garbage never lands in the next.
 */

import { now } from './client/delivery-counter.js';
import type { BenchPlan, ScenarioName } from './constants.js';
import { runBurst } from './scenarios/burst.js';
import { runCapacity } from './scenarios/capacity.js';
import { runPaced } from './scenarios/paced.js';
import type { RunOutcome, ScenarioContext } from './scenarios/scenario-context.js';
import { launchGroup, type ServerGroup } from './server-process.js';
import type { Subject, SubjectName } from './subjects.js';

/** One scenario run against one subject. */
export interface RunRecord {
  readonly scenario: ScenarioName;
  readonly subject: SubjectName;
  readonly repetition: number;
  readonly metrics: Record<string, number>;
  readonly notes: readonly string[];
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
  readonly log: (line: string) => void;
}

const SCENARIOS: Record<ScenarioName, (context: ScenarioContext) => Promise<RunOutcome>> = {
  burst: (context) => runBurst(context, false),
  'slow-reader': (context) => runBurst(context, true),
  paced: runPaced,
  capacity: runCapacity,
};

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
      for (const subject of order) {
        const record = await runOne(subject, scenario, repetition, plan);
        records.push(record);
        log(describeRecord(record));
      }
    }
    longestRepetition = Math.max(longestRepetition, now() - repetitionStart);
  }
  return records;
}

async function runOne(
  subject: Subject,
  scenario: ScenarioName,
  repetition: number,
  plan: BenchPlan,
): Promise<RunRecord> {
  const base = { scenario, subject: subject.name, repetition };
  let server: ServerGroup;
  try {
    server = await launchGroup(subject.launch, subject.instances);
  } catch (error) {
    return { ...base, metrics: {}, notes: [], error: (error as Error).message };
  }
  try {
    const outcome = await SCENARIOS[scenario]({ subject, server, plan });
    const notes = [...outcome.notes];
    if (server.hasExited()) notes.push(`the server exited during the run: ${server.stderrTail()}`);
    return { ...base, metrics: outcome.metrics, notes };
  } catch (error) {
    const crashed = server.hasExited()
      ? ` (server exited: ${server.stderrTail().slice(-300)})`
      : '';
    return { ...base, metrics: {}, notes: [], error: `${(error as Error).message}${crashed}` };
  } finally {
    await server.stop();
  }
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % Math.max(1, items.length);
  return [...items.slice(shift), ...items.slice(0, shift)];
}

const HEADLINE: Record<ScenarioName, readonly string[]> = {
  burst: ['deliveriesPerSecond', 'p99Ms', 'serverCpuPercent', 'generatorCpuPercent'],
  'slow-reader': ['deliveriesPerSecond', 'p99Ms', 'serverPeakRssMb'],
  paced: ['p50Ms', 'p99Ms', 'maxMs', 'deliveredFraction'],
  capacity: [
    'rfc6455.handshakesPerSecond',
    'hixie76.handshakesPerSecond',
    'rfc6455.memoryPerConnectionKb',
    'hixie76.memoryPerConnectionKb',
  ],
};

/** One progress line for a finished run. */
export function describeRecord(record: RunRecord): string {
  const head = `[rep ${record.repetition}] ${record.scenario} ${record.subject}:`;
  if (record.error !== undefined) return `${head} FAILED ${record.error}`;
  const figures = HEADLINE[record.scenario]
    .filter((key) => record.metrics[key] !== undefined)
    .map((key) => `${key}=${formatNumber(record.metrics[key] ?? Number.NaN)}`);
  const notes = record.notes.length > 0 ? ` (${record.notes.join('; ')})` : '';
  return `${head} ${figures.join(' ')}${notes}`;
}

function formatNumber(value: number): string {
  return Math.abs(value) >= 100 ? String(Math.round(value)) : value.toPrecision(3);
}
