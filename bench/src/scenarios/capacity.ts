/**
 * Capacity: idle connections, half RFC 6455 and half hixie-76 where the subject serves both (all
 * RFC 6455 otherwise), CONNECT_CONCURRENCY handshakes in flight. Per protocol: handshakes per
 * second, the server's CPU per handshake (and its main thread's share: the rest is V8's helper
 * threads, which every subject has), and memory per connection twice: the growth of the
 * JS heap the server itself reports after a full GC (what the connections keep alive), and the
 * growth of its resident size (read after that GC too).
 *
 * The connections open in batches of CAPACITY_BATCH that alternate between the protocols, and
 * each batch's growth is charged to its protocol. Opening one protocol's half first would charge
 * it the heap's first expansions and let the second half ride on the room left over; alternating
 * spreads that over both. Handshake time counts only the batches themselves, not the pauses in
 * which memory settles. draftbridge connections are not joined: an idle connection is measured.
 *
 * Before anything is measured, `capacityWarmupConnections` connections (half per protocol) are
 * opened and closed again: a fresh process's first handshakes run cold code.
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

interface ProtocolTally {
  opened: number;
  handshakeMs: number;
  cpuMs: number;
  mainThreadCpuMs: number;
  rssGrowthKb: number;
  heapGrowthKb: number;
}

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

/** Runs the capacity scenario. */
export async function runCapacity(context: ScenarioContext): Promise<RunOutcome> {
  const { plan, subject, server } = context;
  const perProtocol = Math.floor(plan.capacityConnections / subject.protocols.length);
  const tallies = new Map<WireProtocol, ProtocolTally>(
    subject.protocols.map((p) => [
      p,
      { opened: 0, handshakeMs: 0, cpuMs: 0, mainThreadCpuMs: 0, rssGrowthKb: 0, heapGrowthKb: 0 },
    ]),
  );
  const notes: string[] = [];
  const open: BenchConnection[] = [];
  let failed = 0;
  let firstFailure: string | undefined;
  try {
    await warmUp(context);
    await sleep(MEMORY_SETTLE_MS);
    // Profiling leaves the forced GCs out: they would show in the profile as the server's GC.
    const measureHeap = context.profileStem === null;
    let heapBefore = (await server.probeSample(measureHeap)).heapUsedKb;
    let before = server.sample();
    // A profile covers the batches and the pauses between them.
    if (context.profileStem !== null) await server.startProfile(PROFILE_INTERVAL_US);
    // What the rest of the machine used over the batches, as in the other scenarios' windows.
    const machineStart = sampleMachineBusyMs();
    const generatorStart = process.cpuUsage();
    const serverStart = before;
    const batchesStart = now();
    for (const protocol of planBatches(
      subject.protocols,
      plan.capacityConnections,
      CAPACITY_BATCH,
    )) {
      const tally = tallies.get(protocol);
      if (tally === undefined) continue;
      const size = Math.min(CAPACITY_BATCH, perProtocol - tally.opened);
      const offset = open.length;
      const startedAt = now();
      const results = await settleConcurrently(size, CONNECT_CONCURRENCY, (i) =>
        openConnection(protocol, {
          host: BENCH_HOST,
          port: server.portFor(offset + i),
          path: subject.dialect.path,
        }),
      );
      tally.handshakeMs += now() - startedAt;
      const atEnd = server.sample();
      for (const result of results) {
        if (result.status === 'fulfilled') {
          open.push(result.value);
          tally.opened += 1;
        } else {
          failed += 1;
          firstFailure ??= String(result.reason);
        }
      }
      tally.cpuMs += atEnd.cpuUserMs + atEnd.cpuSystemMs - (before.cpuUserMs + before.cpuSystemMs);
      tally.mainThreadCpuMs += atEnd.mainThreadCpuMs - before.mainThreadCpuMs;
      await sleep(CAPACITY_BATCH_SETTLE_MS);
      const heap = (await server.probeSample(measureHeap)).heapUsedKb;
      const settled = server.sample();
      tally.rssGrowthKb += settled.rssKb - before.rssKb;
      tally.heapGrowthKb += heap - heapBefore;
      before = settled;
      heapBefore = heap;
    }
    const batchesMs = Math.max(1, now() - batchesStart);
    const machineMs = sampleMachineBusyMs() - machineStart;
    const generator = process.cpuUsage(generatorStart);
    const serverMs =
      before.cpuUserMs + before.cpuSystemMs - serverStart.cpuUserMs - serverStart.cpuSystemMs;
    const othersMs = machineMs - serverMs - (generator.user + generator.system) / 1000;
    const profiles =
      context.profileStem === null ? [] : await server.stopProfile(context.profileStem);
    await sleep(MEMORY_SETTLE_MS);
    const end = server.sample();
    const metrics: Record<string, number> = {};
    for (const [protocol, tally] of tallies) {
      const opened = Math.max(1, tally.opened);
      metrics[protocolKey(protocol, 'handshakesPerSecond')] =
        tally.opened / (tally.handshakeMs / 1000);
      metrics[protocolKey(protocol, 'serverCpuUsPerHandshake')] = (tally.cpuMs * 1000) / opened;
      metrics[protocolKey(protocol, 'mainThreadCpuUsPerHandshake')] =
        (tally.mainThreadCpuMs * 1000) / opened;
      metrics[protocolKey(protocol, 'memoryPerConnectionKb')] = tally.rssGrowthKb / opened;
      if (measureHeap) {
        metrics[protocolKey(protocol, 'heapPerConnectionKb')] = tally.heapGrowthKb / opened;
      }
    }
    metrics.connections = open.filter((c) => !c.closed).length;
    metrics.failedHandshakes = failed;
    metrics.serverRssMb = end.rssKb / 1024;
    metrics.serverHeapMb = heapBefore / 1024;
    metrics.otherCpuPercent = (Math.max(0, othersMs) / batchesMs) * 100;
    if (failed > 0) notes.push(`${failed} handshakes failed; first: ${firstFailure}`);
    if (metrics.connections < open.length) {
      notes.push(`${open.length - metrics.connections} idle connections were closed by the server`);
    }
    return { metrics, notes, profiles };
  } finally {
    for (const connection of open) connection.destroy();
  }
}
