/**
 * `npm run bench`: probes the chat subjects, runs the plan against every subject, prints the
 * tables, the targets and the headline, and writes the results (JSON and SVG) under
 * bench/results/.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BUSY_LOAD_AVERAGE,
  FULL_RUN_BUDGET_MS,
  SCENARIO_NAMES,
  type ScenarioName,
} from './constants.js';
import { fitPlanToFileLimit, generatorSocketRoom, parseBenchOptions, USAGE } from './options.js';
import { readOpenFileLimit } from './proc-stats.js';
import { measurementCaveats } from './report/caveats.js';
import { renderChart } from './report/chart-svg.js';
import { renderHeadline } from './report/headline.js';
import { formatProfileSummary, summarizeProfileFile } from './report/profile-summary.js';
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
import { scenarioTitle } from './scenarios/catalog.js';
import { killAllServers } from './server-process.js';
import {
  BASELINE_ENTRY_VARIABLE,
  BOUND_SUBJECT,
  draftbridgeBaselineSubject,
  draftbridgeSubject,
  NAIVE_SUBJECT,
  PEER_SUBJECTS,
  probeChatSubject,
  type Subject,
} from './subjects.js';

const resultsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../results');
const profileDir = path.join(resultsDir, 'local', 'profiles');
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
const note = (line: string): void => {
  log(line);
  notes.push(line);
};
const loadAtStart = os.loadavg();
if ((loadAtStart[0] ?? 0) > BUSY_LOAD_AVERAGE) {
  note(
    `the machine is busy (load average ${loadAtStart[0]?.toFixed(1)} on ${os.cpus().length} cores): expect noisy figures`,
  );
}
const openFileLimit = readOpenFileLimit();
const fitted = fitPlanToFileLimit(options.plan, options.scenarios, openFileLimit);
if (fitted.message !== null) note(fitted.message);
const plan = fitted.plan;

const candidates: Subject[] = [
  ...PEER_SUBJECTS,
  draftbridgeSubject('memory'),
  draftbridgeSubject('redis'),
  draftbridgeBaselineSubject(process.env[BASELINE_ENTRY_VARIABLE]),
].filter((s) => options.subjects.includes(s.name));
const subjects: Subject[] = [];
const skipped: { name: string; reason: string }[] = [];
const messageBytes: Record<string, Partial<Record<string, number>>> = {};
for (const candidate of candidates) {
  if (candidate.dialect.kind !== 'chat') {
    subjects.push(candidate);
    continue;
  }
  const probe = await probeChatSubject(candidate);
  if (probe.ok) {
    subjects.push(probe.subject);
    messageBytes[candidate.name] = probe.messageBytes;
    for (const line of probe.notes) note(line);
  } else {
    skipped.push({ name: candidate.name, reason: probe.reason });
    log(`${candidate.name} skipped: ${probe.reason}`);
  }
}
// The references must send what draftbridge sends, or "x bound" and "x naive ws" mean nothing.
const ours = messageBytes.draftbridge?.rfc6455;
for (const reference of [BOUND_SUBJECT, NAIVE_SUBJECT]) {
  const theirs = messageBytes[reference]?.rfc6455;
  if (ours === undefined || theirs === undefined) continue;
  if (ours === theirs)
    log(`same bytes: a message is ${ours} bytes on draftbridge and on ${reference}`);
  else
    note(
      `NOT the same bytes: a message is ${ours} bytes on draftbridge, ${theirs} on ${reference}`,
    );
}

if (options.profile.length > 0) mkdirSync(profileDir, { recursive: true });
log(
  `${options.mode} run: ${subjects.map((s) => s.name).join(', ')}; ${plan.repetitions} repetition(s)`,
);
const records = await runBench({
  plan,
  subjects,
  scenarios: fitted.scenarios,
  budgetMs: FULL_RUN_BUDGET_MS,
  socketRoom: generatorSocketRoom(openFileLimit),
  profile: options.profile,
  profileDir,
  log,
  onRecord: (record) => {
    for (const file of record.profiles ?? []) {
      log(formatProfileSummary(file, summarizeProfileFile(file)));
    }
  },
});
const summary = summarizeRuns(records);
const targets = subjects.some((s) => s.name === 'draftbridge') ? checkTargets(summary) : [];
const headline = renderHeadline(summary, targets);
const caveats = measurementCaveats(summary);
const repetitions = Math.max(0, ...records.map((r) => r.repetition));
const titles = Object.fromEntries(
  SCENARIO_NAMES.map((name) => [name, scenarioTitle(name, plan)]),
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
  messageBytes,
  summary,
  targets,
  headline,
  caveats,
};
const caption = describeRun(results);
log('');
log(caption);
log(renderReport({ summary, subjects, titles, repetitions, targets, skipped }));
if (caveats.length > 0) log(`\nCaveats (generator or machine busy)\n${caveats.join('\n')}`);
log(`\nHeadline\n${headline}`);
const written = writeResults(results, renderChart({ summary, subjects, caption }), resultsDir);
log(`\nwrote ${written.map((file) => path.relative(process.cwd(), file)).join(', ')}`);
const failed = records.filter((r) => r.error !== undefined).length;
if (failed > 0) {
  log(`${failed} run(s) failed: see the lines above`);
  process.exitCode = 1;
}
