/**
 * `npm run attack`: issue 11's attacks at full scale, one server each, with the default limits
 * unless an attack needs a faster sender to reach them. Prints one report per attack
 * (SECURITY.md, "What the tests measured", quotes them) and, with `--json FILE`, writes them.
 * Takes about five minutes; `--only NAME` runs the attacks whose name contains NAME.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  endlessFragments,
  HYBI_PATHS,
  historyFill,
  pingFlood,
  presenceStorm,
  relayNeverReaders,
  roomChurn,
  silentSockets,
  slowFlood,
  welcomeFlood,
} from './attacks.js';
import {
  type AttackReport,
  type AttackRun,
  FAST_SENDER_ENV,
  formatReport,
  runAttack,
} from './run-attack.js';

const RUNS: readonly AttackRun[] = [
  {
    name: 'empty continuation frames, 100 sockets',
    attack: (s) =>
      endlessFragments(s, { paths: HYBI_PATHS, perPath: 25, seconds: 20, fragmentBytes: 0 }),
  },
  {
    name: 'one-byte fragments, 100 sockets',
    attack: (s) =>
      endlessFragments(s, { paths: HYBI_PATHS, perPath: 25, seconds: 20, fragmentBytes: 1 }),
  },
  {
    name: 'ping flood from 100 sockets that never read',
    attack: (s) => pingFlood(s, { paths: HYBI_PATHS, perPath: 25, seconds: 15 }),
  },
  {
    name: 'history fill, 100 rooms at 19 says/s',
    attack: (s) => historyFill(s, { connections: 100, seconds: 20, perSecond: 19 }),
  },
  {
    name: 'relay browsers that never read (10), 5 senders',
    attack: (s) =>
      relayNeverReaders(s, { readers: 10, senders: 5, seconds: 20, saysPerSecond: 19 }),
  },
  {
    name: 'since 0 welcomes of a full room, 30 rfc6455 joiners',
    env: FAST_SENDER_ENV,
    attack: (s) => welcomeFlood(s, { fill: 1000, joiners: 30, protocol: 'rfc6455' }),
  },
  {
    name: 'since 0 welcomes of a full room, 30 hixie-76 joiners',
    env: FAST_SENDER_ENV,
    attack: (s) => welcomeFlood(s, { fill: 1000, joiners: 30, protocol: 'hixie-76' }),
  },
  {
    name: 'since 0 welcomes of a full room, 30 relay joiners',
    env: FAST_SENDER_ENV,
    attack: (s) =>
      welcomeFlood(s, { fill: 1000, joiners: 30, protocol: 'rfc6455', target: '/relay?draft=76' }),
  },
  {
    name: 'slow junk flood, 10 x 1800 frames/s',
    attack: (s) => slowFlood(s, { connections: 10, framesPerSecond: 1800, seconds: 20 }),
  },
  {
    name: 'room churn, 20 000 rooms',
    attack: (s) => roomChurn(s, { rooms: 20_000, parallel: 16 }),
  },
  {
    // The room limit is 2000: raised here, or the churners would be answered room_full.
    name: 'presence storm, 20 churners in a room of 2000',
    env: { MAX_ROOM_MEMBERS: '2100' },
    attack: (s) => presenceStorm(s, { members: 2000, churners: 20, seconds: 20 }),
  },
  {
    name: '100 hixie-76 members that go silent (idle timeout 60 s)',
    attack: (s) =>
      silentSockets(s, { protocol: 'hixie-76', count: 100, joined: true, waitSeconds: 90 }),
  },
  {
    name: '100 sockets that never join (join timeout 10 s)',
    attack: (s) =>
      silentSockets(s, { protocol: 'rfc6455', count: 100, joined: false, waitSeconds: 20 }),
  },
];

const { values } = parseArgs({
  options: { json: { type: 'string' }, only: { type: 'string' } },
});
const reports: AttackReport[] = [];
for (const run of RUNS) {
  if (values.only !== undefined && !run.name.includes(values.only)) continue;
  const report = await runAttack(run);
  console.info(formatReport(report));
  reports.push(report);
}
if (values.json !== undefined)
  await writeFile(values.json, `${JSON.stringify(reports, null, 2)}\n`);
const died = reports.filter((report) => !report.survived);
process.exitCode = died.length === 0 ? 0 : 1;
