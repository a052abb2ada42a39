/**
 * Capacity: idle connections, half RFC 6455 and half hixie-76 where the subject serves both (all
 * RFC 6455 otherwise), CONNECT_CONCURRENCY handshakes in flight, in two passes. Per protocol:
 * memory per connection, from the first pass, and handshakes per second and the server's CPU
 * per handshake (with its main thread's share: the rest is V8's helper threads, which every
 * subject has), from the second.
 *
 * Every subject of a repetition runs at once, each on its own server. The memory passes run one
 * subject after another. The handshake passes run on fresh servers, one per subject, each first
 * primed (it holds as many connections as the memory pass did and lets go of them, no
 * collection forced) and warmed up: after the memory pass's forced collections a process's
 * later handshakes cost more, and draftbridge's more than a bare engine's (bench/README.md,
 * "Gaps"). They run together, one batch per subject in turn: on
 * this shared machine the rate of one subject's pass timed on its own swung by a third from one
 * repetition to the next, and a ratio of two such passes measured the machine as much as the
 * subjects (a harness outside the repo, draftbridge against bare WebSocket-Node, four rounds
 * each: 0.86-1.04x timed one after the other, 1.09-1.13x taking turns). The generator holds
 * every subject's handshake-pass connections until the end, so each opens the plan's count or
 * its share of the sockets the generator may hold, whichever is less.
 *
 * Memory is measured twice: the growth of the JS heap the server itself reports after a full
 * GC (what the connections keep alive), and the growth of its resident size (read after that
 * GC too), batch by batch. Those forced collections are why handshakes are timed in a pass of
 * their own: after each, V8 compiles again on its helper threads (perf over 250-connection
 * batches: TurboFan's share of all samples 5.9% without them, 14.5% with them, and CPU per
 * handshake 176 -> 306 us on RFC 6455), so the next batch's handshakes would carry the bench's
 * own collection. The memory pass runs on a process that has only been warmed up: the
 * resident size of a process that already held as many connections would not grow again.
 *
 * The connections open in batches of CAPACITY_BATCH that alternate between the protocols, and
 * each batch's growth is charged to its protocol. Opening one protocol's half first would charge
 * it the heap's first expansions and let the second half ride on the room left over; alternating
 * spreads that over both. Handshake time counts only the batches themselves. draftbridge
 * connections are not joined: an idle connection is measured.
 *
 * Before each pass, `capacityWarmupConnections` connections (half per protocol) are opened and
 * closed again: a fresh process's first handshakes run cold code.
 *
 * Per protocol the handshake pass also counts the mark-compacts that finished in its batches,
 * and the GC pauses there, from the server's probe (read just outside each batch's CPU
 * samples). A mark-compact's marking runs mostly on V8's helper threads, so one falling in a
 * path's batches (1650 handshakes in a full run), or not, moved that path's CPU per handshake
 * by tens of microseconds (bench/README.md, "Gaps").
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type BenchConnection, openConnection } from '../client/bench-connection.js';
import { settleConcurrently } from '../client/concurrency.js';
import { now } from '../client/delivery-counter.js';
import {
  type BenchPlan,
  CAPACITY_BATCH,
  CAPACITY_BATCH_SETTLE_MS,
  CAPACITY_TURN_GAP_MS,
  CONNECT_CONCURRENCY,
  MEMORY_SETTLE_MS,
  PROFILE_INTERVAL_US,
  type WireProtocol,
} from '../constants.js';
import { sampleMachineBusyMs } from '../proc-stats.js';
import { rotate } from '../rotate.js';
import { BENCH_HOST, launchGroup, type ServerGroup } from '../server-process.js';
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
  /** Mark-compacts the server's probe saw finish over the batches, and its GC pauses in ms. */
  markCompacts: number;
  gcMs: number;
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

// The batches of one pass of `total` connections, each of its protocol's share: alternating
// protocols, or (`byProtocol`) all of one protocol's before the next's.
function* batches(
  context: ScenarioContext,
  total: number,
  opened: (protocol: WireProtocol) => number,
  byProtocol = false,
): Generator<{ protocol: WireProtocol; size: number }> {
  const { subject } = context;
  const perProtocol = Math.floor(total / subject.protocols.length);
  const order = planBatches(subject.protocols, total, CAPACITY_BATCH);
  if (byProtocol) order.sort((a, b) => subject.protocols.indexOf(a) - subject.protocols.indexOf(b));
  for (const protocol of order) {
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
  const total = context.plan.capacityConnections;
  for (const { protocol, size } of batches(context, total, (p) => tallies.get(p)?.opened ?? 0)) {
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

// Before a fresh server's handshake pass: it holds as many connections as the memory pass
// opened, in the same batches but with no collection forced, and lets go of them, so that its
// heap has grown to hold them once and its code has run that often.
async function prime(context: ScenarioContext, pass: PassOutcome): Promise<void> {
  const opened = new Map<WireProtocol, number>();
  const total = context.plan.capacityConnections;
  for (const { protocol, size } of batches(context, total, (p) => opened.get(p) ?? 0)) {
    const count = await openBatch(context, protocol, size, pass);
    opened.set(protocol, (opened.get(protocol) ?? 0) + count);
  }
  closeAll(pass);
  await sleep(MEMORY_SETTLE_MS);
}

/** One subject's part of a capacity run. */
interface Participant {
  readonly context: ScenarioContext;
  readonly memoryPass: PassOutcome;
  readonly handshakePass: PassOutcome;
  readonly handshakes: Map<WireProtocol, HandshakeTally>;
  /** Its handshake pass's batches, drawn one at a time as its turn comes. */
  readonly batches: Iterator<{ protocol: WireProtocol; size: number }>;
  /** What the rest of the machine used over its batches and their gaps, and how long they took. */
  othersMs: number;
  windowsMs: number;
  memory?: { tallies: Map<WireProtocol, MemoryTally>; heapKb: number };
  /** The subject on the fresh server its handshake pass runs on, once that is up. */
  handshakeContext?: ScenarioContext;
  /** Connections the fresh server held and let go of before its pass (see `prime`). */
  readonly primePass: PassOutcome;
}

// Second pass: handshake time and each server's CPU, batch by batch, no collection forced. The
// subjects take turns, one batch each, the first of a round rotating: the shared machine's
// slow and fast moments land on all of them alike, not on whichever ran its pass then. A
// server's CPU is read from the start of its batch to the end of the pause after it, so what it
// does for a batch once the batch is open (a collection, a timer) counts as that batch's.
async function measureHandshakes(participants: readonly Participant[]): Promise<void> {
  const waiting = [...participants];
  for (let round = 0; waiting.length > 0; round += 1) {
    for (const part of rotate(waiting, round)) {
      const next = part.batches.next();
      if (next.done === true) {
        waiting.splice(waiting.indexOf(part), 1);
        continue;
      }
      const { protocol, size } = next.value;
      const tally = part.handshakes.get(protocol);
      if (tally === undefined) continue;
      const context = part.handshakeContext ?? part.context;
      const { server } = context;
      // The probe is asked outside the CPU samples, so its answers are not charged to the batch.
      const probeBefore = await server.probeSample();
      const machineStart = sampleMachineBusyMs();
      const generatorStart = process.cpuUsage();
      const before = server.sample();
      const startedAt = now();
      const opened = await openBatch(context, protocol, size, part.handshakePass);
      tally.handshakeMs += now() - startedAt;
      await sleep(CAPACITY_TURN_GAP_MS);
      const after = server.sample();
      const generator = process.cpuUsage(generatorStart);
      const probeAfter = await server.probeSample();
      tally.markCompacts += probeAfter.gcMarkCompact - probeBefore.gcMarkCompact;
      tally.gcMs += probeAfter.gcMs - probeBefore.gcMs;
      const serverMs =
        after.cpuUserMs + after.cpuSystemMs - (before.cpuUserMs + before.cpuSystemMs);
      tally.opened += opened;
      tally.cpuMs += serverMs;
      tally.mainThreadCpuMs += after.mainThreadCpuMs - before.mainThreadCpuMs;
      part.othersMs +=
        sampleMachineBusyMs() -
        machineStart -
        serverMs -
        (generator.user + generator.system) / 1000;
      part.windowsMs += now() - startedAt;
    }
  }
}

function closeAll(pass: PassOutcome): void {
  for (const connection of pass.open) connection.destroy();
}

/**
 * Connections each subject opens in the handshake pass: the plan's, or as many as the
 * generator can hold for all of them at once, since every subject's stay open until the end.
 */
export function handshakePassConnections(
  plan: BenchPlan,
  subjects: number,
  socketRoom: number,
): number {
  return Math.max(0, Math.min(plan.capacityConnections, Math.floor(socketRoom / subjects)));
}

/** Starts a fresh server for a subject. */
export type Launcher = (subject: ScenarioContext['subject']) => Promise<ServerGroup>;

const launchFresh: Launcher = (subject) => launchGroup(subject.launch, subject.instances);

/**
 * Runs the capacity scenario for every subject given, each with its server already up: the
 * warm-ups and memory passes one subject after another on those servers (the others idle),
 * then the handshake passes of all of them together, turn by turn, each on a fresh server of
 * its subject (`launch`) that was primed and warmed up. `socketRoom` is how many sockets the
 * generator may hold at once. One outcome per context, in their order.
 */
export async function runCapacity(
  contexts: readonly ScenarioContext[],
  socketRoom: number,
  launch: Launcher = launchFresh,
): Promise<RunOutcome[]> {
  const handshakeTotal =
    contexts[0] === undefined
      ? 0
      : handshakePassConnections(contexts[0].plan, contexts.length, socketRoom);
  const participants: Participant[] = contexts.map((context) => {
    const handshakes = new Map<WireProtocol, HandshakeTally>(
      context.subject.protocols.map((p) => [
        p,
        { opened: 0, handshakeMs: 0, cpuMs: 0, mainThreadCpuMs: 0, markCompacts: 0, gcMs: 0 },
      ]),
    );
    return {
      context,
      memoryPass: { open: [], failed: 0, firstFailure: undefined },
      primePass: { open: [], failed: 0, firstFailure: undefined },
      handshakePass: { open: [], failed: 0, firstFailure: undefined },
      handshakes,
      // By protocol: a scavenge falls in whichever batch is running when the young generation
      // fills, and with the protocols alternating one path's collections were charged to the
      // other's batches as often as not (the per-path figures of one process swapped from one
      // repetition to the next while their sum held).
      batches: batches(context, handshakeTotal, (p) => handshakes.get(p)?.opened ?? 0, true),
      othersMs: 0,
      windowsMs: 0,
    };
  });
  const fresh: ServerGroup[] = [];
  try {
    for (const part of participants) {
      const { context } = part;
      await warmUp(context);
      await sleep(MEMORY_SETTLE_MS);
      part.memory = await measureMemory(context, part.memoryPass);
      closeAll(part.memoryPass);
    }
    // The handshakes are timed on fresh servers: after the memory pass's forced collections a
    // server's later handshakes cost more, and draftbridge's more than a bare engine's
    // (README, "Gaps"). Each is primed, and all are warmed up just before the pass.
    for (const part of participants) {
      const server = await launch(part.context.subject);
      fresh.push(server);
      part.handshakeContext = { ...part.context, server };
      await prime(part.handshakeContext, part.primePass);
    }
    for (const { handshakeContext } of participants) {
      if (handshakeContext !== undefined) await warmUp(handshakeContext);
    }
    await sleep(MEMORY_SETTLE_MS);
    for (const { handshakeContext: context } of participants) {
      if (context?.profileStem != null) await context.server.startProfile(PROFILE_INTERVAL_US);
    }
    await measureHandshakes(participants);
    const outcomes: RunOutcome[] = [];
    for (const part of participants) {
      const context = part.handshakeContext ?? part.context;
      const profiles =
        context.profileStem === null ? [] : await context.server.stopProfile(context.profileStem);
      outcomes.push({ ...figuresOf(part), profiles });
    }
    await sleep(MEMORY_SETTLE_MS);
    for (let i = 0; i < participants.length; i += 1) {
      const part = participants[i];
      const outcome = outcomes[i];
      if (part === undefined || outcome === undefined) continue;
      // The resident size with the handshake pass's connections open.
      const end = (part.handshakeContext ?? part.context).server.sample();
      outcome.metrics.serverRssMb = end.rssKb / 1024;
    }
    return outcomes;
  } finally {
    for (const part of participants) {
      closeAll(part.memoryPass);
      closeAll(part.primePass);
      closeAll(part.handshakePass);
    }
    await Promise.all(fresh.map((server) => server.stop()));
  }
}

// One subject's figures from its two passes.
function figuresOf(part: Participant): { metrics: Record<string, number>; notes: string[] } {
  const notes: string[] = [];
  const metrics: Record<string, number> = {};
  for (const [protocol, tally] of part.handshakes) {
    const opened = Math.max(1, tally.opened);
    metrics[protocolKey(protocol, 'handshakesPerSecond')] =
      tally.opened / (Math.max(1, tally.handshakeMs) / 1000);
    metrics[protocolKey(protocol, 'serverCpuUsPerHandshake')] = (tally.cpuMs * 1000) / opened;
    metrics[protocolKey(protocol, 'mainThreadCpuUsPerHandshake')] =
      (tally.mainThreadCpuMs * 1000) / opened;
    metrics[protocolKey(protocol, 'handshakeMarkCompacts')] = tally.markCompacts;
    metrics[protocolKey(protocol, 'handshakeGcMs')] = tally.gcMs;
  }
  for (const [protocol, tally] of part.memory?.tallies ?? []) {
    const opened = Math.max(1, tally.opened);
    metrics[protocolKey(protocol, 'memoryPerConnectionKb')] = tally.rssGrowthKb / opened;
    metrics[protocolKey(protocol, 'heapPerConnectionKb')] = tally.heapGrowthKb / opened;
  }
  const { memoryPass, primePass, handshakePass } = part;
  const open = handshakePass.open;
  metrics.connections = open.filter((c) => !c.closed).length;
  metrics.handshakePassConnections = open.length;
  metrics.failedHandshakes = memoryPass.failed + primePass.failed + handshakePass.failed;
  // The live heap with the memory pass's connections open, after its last full GC.
  metrics.serverHeapMb = (part.memory?.heapKb ?? 0) / 1024;
  metrics.otherCpuPercent = (Math.max(0, part.othersMs) / Math.max(1, part.windowsMs)) * 100;
  if (metrics.failedHandshakes > 0) {
    const first = memoryPass.firstFailure ?? primePass.firstFailure ?? handshakePass.firstFailure;
    notes.push(`${metrics.failedHandshakes} handshakes failed; first: ${first}`);
  }
  if (metrics.connections < open.length) {
    notes.push(`${open.length - metrics.connections} idle connections were closed by the server`);
  }
  return { metrics, notes };
}
