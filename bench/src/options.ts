/**
 * The command line: `--quick`, `--repetitions N`, `--subjects a,b`, `--scenarios a,b`. A bad
 * option fails at start, naming the option and what it accepts.
 */
import { parseArgs } from 'node:util';
import {
  type BenchPlan,
  FULL_PLAN,
  QUICK_PLAN,
  SCENARIO_NAMES,
  type ScenarioName,
} from './constants.js';
import type { RunMode } from './report/results-file.js';
import { BASELINE_SUBJECT, SUBJECT_NAMES, type SubjectName } from './subjects.js';

/** What the command line asked for. */
export interface BenchOptions {
  /** quick with --quick, partial when anything was left out or repetitions changed, else full. */
  readonly mode: RunMode;
  readonly plan: BenchPlan;
  readonly subjects: readonly SubjectName[];
  readonly scenarios: readonly ScenarioName[];
  readonly help: boolean;
}

/** The usage text. */
export const USAGE = `npm run bench [-- options]

  --quick               smaller counts, one repetition: for trying things
  --repetitions N       repetitions (default 3, or 1 with --quick)
  --subjects a,b        of ${SUBJECT_NAMES.join(', ')} (${BASELINE_SUBJECT} always runs: it is the baseline)
  --scenarios a,b       of ${SCENARIO_NAMES.join(', ')}
  --help                this text`;

/** Parses the arguments after `npm run bench --`. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      repetitions: { type: 'string' },
      subjects: { type: 'string' },
      scenarios: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  const base = values.quick ? QUICK_PLAN : FULL_PLAN;
  let repetitions = base.repetitions;
  if (values.repetitions !== undefined) {
    repetitions = Number(values.repetitions);
    if (!Number.isInteger(repetitions) || repetitions < 1 || repetitions > 10) {
      throw new Error(
        `--repetitions must be a whole number from 1 to 10, got "${values.repetitions}"`,
      );
    }
  }
  const subjects = parseList('--subjects', values.subjects, SUBJECT_NAMES);
  if (!subjects.includes(BASELINE_SUBJECT)) subjects.unshift(BASELINE_SUBJECT);
  const scenarios = parseList('--scenarios', values.scenarios, SCENARIO_NAMES);
  const partial =
    subjects.length < SUBJECT_NAMES.length ||
    scenarios.length < SCENARIO_NAMES.length ||
    repetitions !== base.repetitions;
  return {
    mode: values.quick ? 'quick' : partial ? 'partial' : 'full',
    plan: { ...base, repetitions },
    subjects: SUBJECT_NAMES.filter((name) => subjects.includes(name)),
    scenarios,
    help: values.help ?? false,
  };
}

function parseList<T extends string>(
  option: string,
  value: string | undefined,
  allowed: readonly T[],
): T[] {
  if (value === undefined) return [...allowed];
  const items = value.split(',').map((item) => item.trim());
  const bad = items.filter((item) => !(allowed as readonly string[]).includes(item));
  if (bad.length > 0 || items.length === 0) {
    throw new Error(`${option} accepts ${allowed.join(', ')}; got "${bad.join(', ') || value}"`);
  }
  return allowed.filter((name) => items.includes(name));
}

/** Lowers the capacity count to what the open-file limit allows; returns a message when it did. */
export function fitPlanToFileLimit(
  plan: BenchPlan,
  openFileLimit: number,
): { plan: BenchPlan; message: string | null } {
  // The generator holds every client socket, and the server the other end in its own process,
  // each under the same limit; keep room for stdio, the event loop and the room scenarios.
  const headroom = 200;
  const largest = Math.max(plan.capacityConnections, plan.pacedReceivers + plan.pacedSenders);
  if (largest + headroom <= openFileLimit) return { plan, message: null };
  const capacityConnections = Math.max(0, openFileLimit - headroom);
  const pacedReceivers = Math.min(plan.pacedReceivers, capacityConnections);
  return {
    plan: { ...plan, capacityConnections, pacedReceivers },
    message:
      `the open-file limit is ${openFileLimit}: capacity lowered to ${capacityConnections} connections` +
      ` (raise it with ulimit -n 20000 for the full figures)`,
  };
}
