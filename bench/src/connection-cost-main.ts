/**
 * `npm run connection-cost -w @draftbridge/bench -- --subject draftbridge --protocol hixie76`:
 * what one idle connection costs a server, and where. Starts the subject with the bench's
 * probe, takes a heap snapshot, opens `--connections` idle connections of one protocol (not
 * joined, as in the capacity scenario) with a CPU profile running, takes another snapshot, and
 * prints the server's CPU per handshake by function and by where the code lives, then the kinds
 * of objects the heap grew by, per connection. Run it for draftbridge and for the bare engine of
 * the same path and compare the lists.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openConnection } from './client/bench-connection.js';
import { fulfilledOrThrow, settleConcurrently } from './client/concurrency.js';
import { now } from './client/delivery-counter.js';
import {
  CONNECT_CONCURRENCY,
  MEMORY_SETTLE_MS,
  PROFILE_INTERVAL_US,
  WIRE_PROTOCOLS,
  type WireProtocol,
} from './constants.js';
import { diffHeap, groupHeapFile } from './report/heap-breakdown.js';
import { formatProfileSummary, summarizeProfileFile } from './report/profile-summary.js';
import { BENCH_HOST, launchGroup } from './server-process.js';
import { draftbridgeSubject, PEER_SUBJECTS, type Subject } from './subjects.js';

const { values } = parseArgs({
  options: {
    subject: { type: 'string', default: 'draftbridge' },
    protocol: { type: 'string', default: 'rfc6455' },
    connections: { type: 'string', default: '1000' },
    top: { type: 'string', default: '25' },
  },
  strict: true,
});
const subjects: Subject[] = [...PEER_SUBJECTS, draftbridgeSubject('memory')];
const subject = subjects.find((s) => s.name === values.subject);
const protocol = WIRE_PROTOCOLS.find((p) => p === values.protocol);
const connections = Number(values.connections);
const top = Number(values.top);
if (subject === undefined || protocol === undefined || !(connections > 0) || !(top > 0)) {
  console.error(
    `--subject is one of ${subjects.map((s) => s.name).join(', ')}; --protocol one of ${WIRE_PROTOCOLS.join(', ')}; --connections and --top whole numbers`,
  );
  process.exit(2);
}
if (!subject.protocols.includes(protocol as WireProtocol)) {
  console.error(`${subject.name} does not serve ${protocol}`);
  process.exit(2);
}

const dir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../results/local/connection-cost',
);
mkdirSync(dir, { recursive: true });
const stem = path.join(dir, `${subject.name}-${protocol}`);
const server = await launchGroup(subject.launch, 1);
try {
  await sleep(MEMORY_SETTLE_MS);
  const before = `${stem}-before.heapsnapshot`;
  const after = `${stem}-after.heapsnapshot`;
  const heapBefore = (await server.probeSample(true)).heapUsedKb;
  await server.heapSnapshot(before);
  await server.startProfile(PROFILE_INTERVAL_US);
  const cpuBefore = server.sample();
  const openedAt = now();
  const open = fulfilledOrThrow(
    await settleConcurrently(connections, CONNECT_CONCURRENCY, () =>
      openConnection(protocol, {
        host: BENCH_HOST,
        port: server.portFor(0),
        path: subject.dialect.path,
      }),
    ),
  );
  const openMs = now() - openedAt;
  const cpuAfter = server.sample();
  const [profile] = await server.stopProfile(`${stem}-handshakes`);
  const cpuUs =
    ((cpuAfter.cpuUserMs + cpuAfter.cpuSystemMs - cpuBefore.cpuUserMs - cpuBefore.cpuSystemMs) *
      1000) /
    connections;
  console.log(
    `${subject.name} ${protocol}: ${connections} handshakes, ${CONNECT_CONCURRENCY} at a time: ${((connections * 1000) / openMs).toFixed(0)}/s, server CPU ${cpuUs.toFixed(0)} us each (user and kernel, every thread)`,
  );
  if (profile !== undefined) {
    console.log(
      formatProfileSummary(profile, summarizeProfileFile(profile, top), {
        count: connections,
        what: 'handshake',
      }),
    );
  }
  await sleep(MEMORY_SETTLE_MS);
  const heapAfter = (await server.probeSample(true)).heapUsedKb;
  await server.heapSnapshot(after);
  const growth = diffHeap(groupHeapFile(before), groupHeapFile(after), connections);
  const total = growth.reduce((sum, g) => sum + g.bytesPerConnection, 0);
  console.log(
    `${subject.name} ${protocol}: ${connections} idle connections; JS heap after GC ${((heapAfter - heapBefore) / connections).toFixed(2)} KB each (the snapshots: ${(total / 1024).toFixed(2)} KB)`,
  );
  console.log('   bytes  objects  kind and name (per connection)');
  for (const g of growth.slice(0, top)) {
    console.log(
      `${g.bytesPerConnection.toFixed(0).padStart(8)}  ${g.countPerConnection.toFixed(2).padStart(7)}  ${g.key}`,
    );
  }
  for (const connection of open) connection.destroy();
} finally {
  await server.stop();
}
