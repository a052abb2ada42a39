/**
 * The command line: `--quick`, `--repetitions N`, `--subjects a,b`, `--scenarios a,b`,
 * `--profile a,b`, `--cold`. A bad option fails at start, naming the option and what it accepts.
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
import { SCENARIOS } from './scenarios/catalog.js';
import {
  DEFAULT_SUBJECTS,
  DIAGNOSTIC_SUBJECTS,
  REFERENCE_SUBJECTS,
  SUBJECT_NAMES,
  type SubjectName,
} from './subjects.js';

/** What the command line asked for. */
export interface BenchOptions {
  /** quick with --quick, partial when anything was left out or repetitions changed, else full. */
  readonly mode: RunMode;
  readonly plan: BenchPlan;
  readonly subjects: readonly SubjectName[];
  readonly scenarios: readonly ScenarioName[];
  /** Subjects whose servers are CPU-profiled over every measured window. */
  readonly profile: readonly SubjectName[];
  readonly help: boolean;
}

/** The usage text. */
export const USAGE = `npm run bench [-- options]

  --quick               smaller counts, one repetition: for trying things
  --repetitions N       repetitions (default 3, or 1 with --quick)
  --subjects a,b        of ${SUBJECT_NAMES.join(', ')}
                        (${REFERENCE_SUBJECTS.join(' and ')} always run: every ratio is to them;
                        ${DIAGNOSTIC_SUBJECTS.join(', ')} only when named)
  --scenarios a,b       of ${SCENARIO_NAMES.join(', ')}
  --profile a,b         CPU-profile these subjects' servers over each measured window
                        (V8's profiler, as node --cpu-prof); files and summaries under
                        results/local/profiles/; makes the run partial
  --cold                no unmeasured warm-up before bursts and capacity (each server's
                        first burst and handshakes, JIT compilation and all); makes the
                        run partial
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
      profile: { type: 'string' },
      cold: { type: 'boolean', default: false },
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
  const subjects =
    values.subjects === undefined
      ? [...DEFAULT_SUBJECTS]
      : parseList('--subjects', values.subjects, SUBJECT_NAMES);
  for (const reference of REFERENCE_SUBJECTS) {
    if (!subjects.includes(reference)) subjects.unshift(reference);
  }
  const scenarios = parseList('--scenarios', values.scenarios, SCENARIO_NAMES);
  const profile =
    values.profile === undefined ? [] : parseList('--profile', values.profile, SUBJECT_NAMES);
  const partial =
    subjects.length !== DEFAULT_SUBJECTS.length ||
    subjects.some((name) => !DEFAULT_SUBJECTS.includes(name)) ||
    scenarios.length < SCENARIO_NAMES.length ||
    repetitions !== base.repetitions ||
    profile.length > 0 ||
    values.cold === true;
  return {
    mode: values.quick ? 'quick' : partial ? 'partial' : 'full',
    plan: {
      ...base,
      repetitions,
      ...(values.cold ? { burstWarmupShare: 0, capacityWarmupConnections: 0 } : {}),
    },
    subjects: SUBJECT_NAMES.filter((name) => subjects.includes(name)),
    scenarios,
    profile,
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

/**
 * Sockets the generator may hold at once. It holds every client socket, and each server the
 * other ends in its own process, each under the same limit; room is kept for stdio, the event
 * loop and the health checks.
 */
export function generatorSocketRoom(openFileLimit: number): number {
  return openFileLimit - 200;
}

/**
 * Fits the run to the open-file limit: lowers the capacity and paced counts and leaves out the
 * bursts whose rooms do not fit; returns a message when it changed anything.
 */
export function fitPlanToFileLimit(
  plan: BenchPlan,
  scenarios: readonly ScenarioName[],
  openFileLimit: number,
): { plan: BenchPlan; scenarios: ScenarioName[]; message: string | null } {
  const room = generatorSocketRoom(openFileLimit);
  const fits = (name: ScenarioName): boolean => {
    const spec = SCENARIOS[name];
    return spec.kind !== 'burst' || spec.rooms * spec.members <= room;
  };
  const tooMany = Math.max(plan.capacityConnections, plan.pacedMembers) > room;
  const kept = scenarios.filter(fits);
  if (!tooMany && kept.length === scenarios.length) {
    return { plan, scenarios: [...scenarios], message: null };
  }
  const capacityConnections = Math.max(0, Math.min(plan.capacityConnections, room));
  const pacedMembers = Math.max(0, Math.min(plan.pacedMembers, room));
  const dropped = scenarios.filter((name) => !fits(name));
  const droppedText = dropped.length > 0 ? `, ${dropped.join(', ')} left out` : '';
  return {
    plan: { ...plan, capacityConnections, pacedMembers },
    scenarios: kept,
    message:
      `the open-file limit is ${openFileLimit}: capacity lowered to ${capacityConnections} connections, the paced room to ${pacedMembers}${droppedText}` +
      ' (raise it with ulimit -n 20000 for the full figures)',
  };
}
