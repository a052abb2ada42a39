/**
 * `npm run bench`: probes draftbridge, runs the plan against every subject, prints the table and
 * writes the results (JSON and SVG) under bench/results/.
 */
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BUSY_LOAD_AVERAGE,
  FULL_RUN_BUDGET_MS,
  SCENARIO_NAMES,
  type ScenarioName,
} from './constants.js';
import { fitPlanToFileLimit, parseBenchOptions, USAGE } from './options.js';
import { readOpenFileLimit } from './proc-stats.js';
import { renderChart } from './report/chart-svg.js';
import { SCENARIO_FIGURES } from './report/figures.js';
import {
  type BenchResults,
  describeMachine,
  describeRun,
  describeSource,
  writeResults,
} from './report/results-file.js';
import { summarizeRuns } from './report/summary.js';
import { renderReport } from './report/table.js';
import { checkTargets } from './report/targets.js';
import { runBench } from './runner.js';
import { killAllServers } from './server-process.js';
import { NAIVE_SUBJECTS, probeDraftbridge, type Subject } from './subjects.js';

const resultsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../results');
const log = (line: string): void => console.log(line);

let options: ReturnType<typeof parseBenchOptions>;
try {
  options = parseBenchOptions(process.argv.slice(2));
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

// Interrupted (Ctrl-C, a CI timeout): stop the servers this run started, then go.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killAllServers();
    process.exit(130);
  });
}

const startedAt = new Date().toISOString();
const source = describeSource(path.resolve(resultsDir, '../..'));
const notes: string[] = [];
const loadAtStart = os.loadavg();
if ((loadAtStart[0] ?? 0) > BUSY_LOAD_AVERAGE) {
  const note = `the machine is busy (load average ${loadAtStart[0]?.toFixed(1)} on ${os.cpus().length} cores): expect noisy figures`;
  log(note);
  notes.push(note);
}
const openFileLimit = readOpenFileLimit();
const fitted = fitPlanToFileLimit(options.plan, openFileLimit);
if (fitted.message !== null) {
  log(fitted.message);
  notes.push(fitted.message);
}
const plan = fitted.plan;

const subjects: Subject[] = NAIVE_SUBJECTS.filter((s) => options.subjects.includes(s.name));
const skipped: { name: string; reason: string }[] = [];
for (const mode of ['memory', 'redis'] as const) {
  const name = mode === 'memory' ? 'draftbridge' : 'draftbridge-redis';
  if (!options.subjects.includes(name)) continue;
  const probe = await probeDraftbridge(mode);
  if (probe.ok) {
    subjects.push(probe.subject);
    for (const note of probe.notes) {
      log(note);
      notes.push(note);
    }
  } else {
    skipped.push({ name, reason: probe.reason });
    log(`${name} skipped: ${probe.reason}`);
  }
}

log(
  `${options.mode} run: ${subjects.map((s) => s.name).join(', ')}; ${plan.repetitions} repetition(s)`,
);
const records = await runBench({
  plan,
  subjects,
  scenarios: options.scenarios,
  budgetMs: FULL_RUN_BUDGET_MS,
  log,
});
const summary = summarizeRuns(records);
const targets = subjects
  .filter((s) => s.name === 'draftbridge' || s.name === 'draftbridge-redis')
  .flatMap((s) => checkTargets(summary, s.name));
const repetitions = Math.max(0, ...records.map((r) => r.repetition));
const titles = Object.fromEntries(
  SCENARIO_NAMES.map((name) => [name, SCENARIO_FIGURES[name].title(plan)]),
) as Record<ScenarioName, string>;

const results: BenchResults = {
  startedAt,
  finishedAt: new Date().toISOString(),
  mode: options.mode,
  machine: describeMachine(openFileLimit),
  plan: { ...plan, repetitions },
  source,
  loadAverage: { start: loadAtStart, end: os.loadavg() },
  subjects: subjects.map(({ name, description, protocols }) => ({ name, description, protocols })),
  skipped,
  notes,
  runs: records,
  summary,
  targets,
};
const caption = describeRun(results);
log('');
log(caption);
log(renderReport({ summary, subjects, titles, repetitions, targets, skipped }));
const written = writeResults(results, renderChart({ summary, subjects, caption }), resultsDir);
log(`\nwrote ${written.map((file) => path.relative(process.cwd(), file)).join(', ')}`);
const failed = records.filter((r) => r.error !== undefined).length;
if (failed > 0) {
  log(`${failed} run(s) failed: see the lines above`);
  process.exitCode = 1;
}
