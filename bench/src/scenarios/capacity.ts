/**
 * Capacity: idle connections, half RFC 6455 and half hixie-76 where the subject serves both (all
 * RFC 6455 otherwise), CONNECT_CONCURRENCY handshakes in flight, in two passes. Per protocol:
 * memory per connection, from the first pass, and handshakes per second and the server's CPU
 * per handshake (with its main thread's share: the rest is V8's helper threads, which every
 * subject has), from the second.
 *
 * Memory is measured twice: the growth of the JS heap the server itself reports after a full
 * GC (what the connections keep alive), and the growth of its resident size (read after that
 * GC too), batch by batch. Those forced collections are why handshakes are timed in a pass of
 * their own: after each, V8 compiles again on its helper threads (perf over 250-connection
 * batches: TurboFan's share of all samples 5.9% without them, 14.5% with them, and CPU per
 * handshake 176 -> 306 us on RFC 6455), so the next batch's handshakes would carry the bench's
 * own collection. The memory pass runs first, on a process that has only been warmed up: the
 * resident size of a process that already held as many connections would not grow again.
 *
 * The connections open in batches of CAPACITY_BATCH that alternate between the protocols, and
 * each batch's growth is charged to its protocol. Opening one protocol's half first would charge
 * it the heap's first expansions and let the second half ride on the room left over; alternating
 * spreads that over both. Handshake time counts only the batches themselves. draftbridge
 * connections are not joined: an idle connection is measured.
 *
 * Before anything is measured, `capacityWarmupConnections` connections (half per protocol) are
 * opened and closed again: a fresh process's first handshakes run cold code. The memory pass
 * then warms the handshake pass further.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type BenchConnection, openConnection } from '../client/bench-connection.js';
import { settleConcurrently } from '../client/concurrency.js';
import { now } from '../client/delivery-counter.js';
import {
  CAPACITY_BATCH,
  CAPACITY_BATCH_SETTLE_MS,
  CONNECT_CONCURRENCY,
  MEMORY_SETTLE_MS,
  PROFILE_INTERVAL_US,
  type WireProtocol,
} from '../constants.js';
import { sampleMachineBusyMs } from '../proc-stats.js';
import { BENCH_HOST } from '../server-process.js';
import { protocolKey, type RunOutcome, type ScenarioContext } from './scenario-context.js';

/** The order of the batches: alternating protocols, each with its share of `total`. */
export function planBatches(
  protocols: readonly WireProtocol[],
  total: number,
  batch: number,
): WireProtocol[] {
  const perProtocol = Math.floor(total / protocols.length);
  const batchesEach = Math.ceil(perProtocol / batch);
  const order: WireProtocol[] = [];
  for (let i = 0; i < batchesEach; i += 1) order.push(...protocols);
  return order;
}

// Unmeasured: connections opened, half per protocol, and closed again.
async function warmUp(context: ScenarioContext): Promise<void> {
  const { plan, subject, server } = context;
  const protocols = subject.protocols;
  const results = await settleConcurrently(
    plan.capacityWarmupConnections,
    CONNECT_CONCURRENCY,
    (i) =>
      openConnection(protocols[i % protocols.length] as WireProtocol, {
        host: BENCH_HOST,
        port: server.portFor(i),
        path: subject.dialect.path,
      }),
  );
  for (const result of results) if (result.status === 'fulfilled') result.value.destroy();
}

interface HandshakeTally {
  opened: number;
  handshakeMs: number;
  cpuMs: number;
  mainThreadCpuMs: number;
}

interface MemoryTally {
  opened: number;
  rssGrowthKb: number;
  heapGrowthKb: number;
}

/** What a pass opened and what did not open. */
interface PassOutcome {
  readonly open: BenchConnection[];
  failed: number;
  firstFailure: string | undefined;
}

// One batch of `size` handshakes of one protocol, CONNECT_CONCURRENCY in flight.
async function openBatch(
  context: ScenarioContext,
  protocol: WireProtocol,
  size: number,
  pass: PassOutcome,
): Promise<number> {
  const { subject, server } = context;
  const offset = pass.open.length;
  const results = await settleConcurrently(size, CONNECT_CONCURRENCY, (i) =>
    openConnection(protocol, {
      host: BENCH_HOST,
      port: server.portFor(offset + i),
      path: subject.dialect.path,
    }),
  );
  let opened = 0;
  for (const result of results) {
    if (result.status === 'fulfilled') {
      pass.open.push(result.value);
      opened += 1;
    } else {
      pass.failed += 1;
      pass.firstFailure ??= String(result.reason);
    }
  }
  return opened;
}

// The batches of one pass, each of its protocol's share (`perProtocol` in all).
function* batches(
  context: ScenarioContext,
  opened: (protocol: WireProtocol) => number,
): Generator<{ protocol: WireProtocol; size: number }> {
  const { plan, subject } = context;
  const perProtocol = Math.floor(plan.capacityConnections / subject.protocols.length);
  for (const protocol of planBatches(subject.protocols, plan.capacityConnections, CAPACITY_BATCH)) {
    const size = Math.min(CAPACITY_BATCH, perProtocol - opened(protocol));
    if (size > 0) yield { protocol, size };
  }
}

// First pass: heap and resident growth per connection, after a full GC per batch.
async function measureMemory(
  context: ScenarioContext,
  pass: PassOutcome,
): Promise<{ tallies: Map<WireProtocol, MemoryTally>; heapKb: number }> {
  const { server } = context;
  const tallies = new Map<WireProtocol, MemoryTally>(
    context.subject.protocols.map((p) => [p, { opened: 0, rssGrowthKb: 0, heapGrowthKb: 0 }]),
  );
  let heapBefore = (await server.probeSample(true)).heapUsedKb;
  let rssBefore = server.sample().rssKb;
  for (const { protocol, size } of batches(context, (p) => tallies.get(p)?.opened ?? 0)) {
    const tally = tallies.get(protocol);
    if (tally === undefined) continue;
    tally.opened += await openBatch(context, protocol, size, pass);
    await sleep(CAPACITY_BATCH_SETTLE_MS);
    const heap = (await server.probeSample(true)).heapUsedKb;
    const rss = server.sample().rssKb;
    tally.rssGrowthKb += rss - rssBefore;
    tally.heapGrowthKb += heap - heapBefore;
    rssBefore = rss;
    heapBefore = heap;
  }
  return { tallies, heapKb: heapBefore };
}

// Second pass: handshake time and the server's CPU over each batch, no collection forced.
async function measureHandshakes(
  context: ScenarioContext,
  pass: PassOutcome,
): Promise<Map<WireProtocol, HandshakeTally>> {
  const { server } = context;
  const tallies = new Map<WireProtocol, HandshakeTally>(
    context.subject.protocols.map((p) => [
      p,
      { opened: 0, handshakeMs: 0, cpuMs: 0, mainThreadCpuMs: 0 },
    ]),
  );
  for (const { protocol, size } of batches(context, (p) => tallies.get(p)?.opened ?? 0)) {
    const tally = tallies.get(protocol);
    if (tally === undefined) continue;
    const before = server.sample();
    const startedAt = now();
    const opened = await openBatch(context, protocol, size, pass);
    tally.handshakeMs += now() - startedAt;
    const after = server.sample();
    tally.opened += opened;
    tally.cpuMs += after.cpuUserMs + after.cpuSystemMs - (before.cpuUserMs + before.cpuSystemMs);
    tally.mainThreadCpuMs += after.mainThreadCpuMs - before.mainThreadCpuMs;
  }
  return tallies;
}

function closeAll(pass: PassOutcome): void {
  for (const connection of pass.open) connection.destroy();
}

/** Runs the capacity scenario. */
export async function runCapacity(context: ScenarioContext): Promise<RunOutcome> {
  const { server } = context;
  const notes: string[] = [];
  const memoryPass: PassOutcome = { open: [], failed: 0, firstFailure: undefined };
  const handshakePass: PassOutcome = { open: [], failed: 0, firstFailure: undefined };
  try {
    await warmUp(context);
    await sleep(MEMORY_SETTLE_MS);
    const memory = await measureMemory(context, memoryPass);
    closeAll(memoryPass);
    // The memory pass's connections are collected before the handshakes are timed, and the
    // process is warmed up again after that collection (V8 compiles again after a full GC).
    await sleep(MEMORY_SETTLE_MS);
    await server.probeSample(true);
    await warmUp(context);
    await sleep(MEMORY_SETTLE_MS);
    // A profile covers the handshake pass: the memory pass's forced GCs are not the server's.
    if (context.profileStem !== null) await server.startProfile(PROFILE_INTERVAL_US);
    // What the rest of the machine used over the batches, as in the other scenarios' windows.
    const machineStart = sampleMachineBusyMs();
    const generatorStart = process.cpuUsage();
    const serverStart = server.sample();
    const batchesStart = now();
    const handshakes = await measureHandshakes(context, handshakePass);
    const batchesMs = Math.max(1, now() - batchesStart);
    const machineMs = sampleMachineBusyMs() - machineStart;
    const generator = process.cpuUsage(generatorStart);
    const serverEnd = server.sample();
    const serverMs =
      serverEnd.cpuUserMs + serverEnd.cpuSystemMs - serverStart.cpuUserMs - serverStart.cpuSystemMs;
    const othersMs = machineMs - serverMs - (generator.user + generator.system) / 1000;
    const profiles =
      context.profileStem === null ? [] : await server.stopProfile(context.profileStem);
    await sleep(MEMORY_SETTLE_MS);
    const end = server.sample();
    const metrics: Record<string, number> = {};
    for (const [protocol, tally] of handshakes) {
      const opened = Math.max(1, tally.opened);
      metrics[protocolKey(protocol, 'handshakesPerSecond')] =
        tally.opened / (tally.handshakeMs / 1000);
      metrics[protocolKey(protocol, 'serverCpuUsPerHandshake')] = (tally.cpuMs * 1000) / opened;
      metrics[protocolKey(protocol, 'mainThreadCpuUsPerHandshake')] =
        (tally.mainThreadCpuMs * 1000) / opened;
    }
    for (const [protocol, tally] of memory.tallies) {
      const opened = Math.max(1, tally.opened);
      metrics[protocolKey(protocol, 'memoryPerConnectionKb')] = tally.rssGrowthKb / opened;
      metrics[protocolKey(protocol, 'heapPerConnectionKb')] = tally.heapGrowthKb / opened;
    }
    const open = handshakePass.open;
    metrics.connections = open.filter((c) => !c.closed).length;
    metrics.failedHandshakes = memoryPass.failed + handshakePass.failed;
    metrics.serverRssMb = end.rssKb / 1024;
    // The live heap with the memory pass's connections open, after its last full GC.
    metrics.serverHeapMb = memory.heapKb / 1024;
    metrics.otherCpuPercent = (Math.max(0, othersMs) / batchesMs) * 100;
    if (metrics.failedHandshakes > 0) {
      const first = memoryPass.firstFailure ?? handshakePass.firstFailure;
      notes.push(`${metrics.failedHandshakes} handshakes failed; first: ${first}`);
    }
    if (metrics.connections < open.length) {
      notes.push(`${open.length - metrics.connections} idle connections were closed by the server`);
    }
    return { metrics, notes, profiles };
  } finally {
    closeAll(memoryPass);
    closeAll(handshakePass);
  }
}
