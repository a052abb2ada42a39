/**
 * `npm run bench`: probes draftbridge, runs the plan against every subject, prints the table and
 * writes the results (JSON and SVG) under bench/results/.
 */
import { FULL_RUN_BUDGET_MS } from './constants.js';
import { fitPlanToFileLimit, parseBenchOptions, USAGE } from './options.js';
import { readOpenFileLimit } from './proc-stats.js';
import { runBench } from './runner.js';
import { NAIVE_SUBJECTS, probeDraftbridge, type Subject } from './subjects.js';

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
const fitted = fitPlanToFileLimit(options.plan, readOpenFileLimit());
if (fitted.message !== null) log(fitted.message);

const subjects: Subject[] = NAIVE_SUBJECTS.filter((s) => options.subjects.includes(s.name));
const skipped: { name: string; reason: string }[] = [];
if (options.subjects.includes('draftbridge')) {
  const probe = await probeDraftbridge();
  if (probe.ok) {
    subjects.push(probe.subject);
    for (const note of probe.notes) log(note);
  } else {
    skipped.push({ name: 'draftbridge', reason: probe.reason });
    log(`draftbridge skipped: ${probe.reason}`);
  }
}
const records = await runBench({
  plan: fitted.plan,
  subjects,
  scenarios: options.scenarios,
  budgetMs: FULL_RUN_BUDGET_MS,
  log,
});
console.log(JSON.stringify(records.length));
