/**
 * `npm run soak`: the long soak, outside CI. Every protocol churns in one room for a bounded
 * time (default 120 s; `SOAK_SECONDS` or `--seconds`), then every client's view is checked and
 * the server's memory compared with its idle level. Exits 1 on any lost, duplicated or missing
 * message, any connection left open, or memory that did not come back.
 */
import { parseArgs } from 'node:util';
import { mib } from './measure-memory.js';
import { formatSoakReport } from './soak-runner.js';
import { soakServer } from './soak-server.js';

const DEFAULT_SECONDS = 120;
// What may remain after the soak besides the retained history, and what a message may cost.
const MEMORY_SLACK_BYTES = 8 * 1024 * 1024;
const RETAINED_BYTES_PER_MESSAGE = 2048;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string' },
    'clients-per-kind': { type: 'string' },
    seed: { type: 'string' },
  },
});

function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    console.error(`${name} must be a positive integer; got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

const seconds = positiveInteger(
  '--seconds',
  values.seconds ?? process.env.SOAK_SECONDS,
  DEFAULT_SECONDS,
);
const clientsPerKind = positiveInteger('--clients-per-kind', values['clients-per-kind'], 3);
const seed = values.seed === undefined ? undefined : positiveInteger('--seed', values.seed, 1);

console.log(`soak: ${seconds} s, ${clientsPerKind} clients per protocol...`);
const started = Date.now();
const { report, idle, after, leftOpen } = await soakServer({
  durationMs: seconds * 1000,
  clientsPerKind,
  ...(seed === undefined ? {} : { seed }),
});
const growth = after.heapUsed + after.external - idle.heapUsed - idle.external;
console.log(formatSoakReport(report));
console.log(
  `memory: idle ${mib(idle.heapUsed)} heap, ${mib(idle.rss)} rss; after ${mib(after.heapUsed)} heap, ${mib(after.rss)} rss; growth ${mib(growth)} with ${report.finalSeq} messages retained; ${leftOpen} connections left open; ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
);

const problems = [
  report.lost > 0 && `${report.lost} lost`,
  report.duplicates > 0 && `${report.duplicates} duplicated`,
  report.incompleteViews > 0 && `${report.incompleteViews} incomplete views`,
  report.conflicts > 0 && `${report.conflicts} conflicts`,
  report.liveGaps > 0 && `${report.liveGaps} live gaps`,
  report.truncatedWelcomes > 0 && `${report.truncatedWelcomes} truncated welcomes`,
  leftOpen > 0 && `${leftOpen} connections left open`,
  growth > MEMORY_SLACK_BYTES + report.finalSeq * RETAINED_BYTES_PER_MESSAGE &&
    `memory grew ${mib(growth)}`,
].filter((problem): problem is string => typeof problem === 'string');

if (problems.length > 0) {
  console.error(`soak FAILED: ${problems.join(', ')}`);
  process.exit(1);
}
console.log('soak passed: nothing lost, nothing duplicated, memory back near idle');
