/**
 * The bursts: the room-size sweep, the many-rooms burst and the slow reader. Every sender of
 * every room writes all its messages at once (one socket write each, so the server meets the
 * whole burst in a few reads); the figures are deliveries per second, in all and per path (from
 * the first write to the last delivery on that path), latency p50/p99 from the sampled members,
 * and the server's CPU, memory and garbage collections over the burst.
 *
 * The subjects that carry the burst targets (WAVE_SUBJECTS) measure `burstWaves` bursts back
 * to back in one window, each written once the one before has been delivered, and their figures
 * are over all of them: on this shared machine one burst's rate swung by 15% from one burst to
 * the next (a harness outside the repo: eight bursts of 500 each, bound and draftbridge taking
 * turns, draftbridge's ratio 0.69-1.14 burst by burst).
 *
 * Every subject is warmed up first: each sender writes `burstWarmupShare` of its messages at
 * once and the bench waits until every member has them, unmeasured (a fresh process compiles
 * its hot code during its first burst; `--cold` leaves this out).
 *
 * With `slowReader`, one RFC 6455 member that neither sends nor samples stops reading as the
 * burst starts: the others' figures should stay within 10% of the plain burst, and the server's
 * peak memory bounded. Its deliveries are not expected, so they do not gate the end of the run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchConnection } from '../client/bench-connection.js';
import { now } from '../client/delivery-counter.js';
import { BURST_TIMEOUT_MS } from '../constants.js';
import { createMessageText } from '../payload.js';
import { joinSamples, summarizeLatency } from '../stats.js';
import { WAVE_SUBJECTS } from '../subjects.js';
import { type BurstSpec, messagesPerSender, sendersPerRoom } from './catalog.js';
import { startWindow } from './measure-window.js';
import { type RoomSet, withRooms } from './room.js';
import { protocolKey, type RunOutcome, type ScenarioContext } from './scenario-context.js';

// Figures of the window that count events, not rates or sizes.
const PER_BURST_COUNTS = [
  'gcMarkCompact',
  'gcScavenge',
  'gcMs',
  'serverWriteCalls',
  'serverReadCalls',
] as const;

// How long the slow reader reads again after the burst, to see whether it was closed.
const SLOW_READER_RESUME_MS = 500;

// `count` says of one sender, framed and joined for one write; ids `<prefix><sender>-<n>`.
function sayFrames(
  connection: BenchConnection,
  subject: ScenarioContext['subject'],
  sender: number,
  count: number,
  idPrefix: string,
): Buffer {
  const frames: Buffer[] = [];
  for (let n = 0; n < count; n += 1) {
    const text = createMessageText(sender, n, 0);
    frames.push(connection.frame(subject.dialect.say(`${idPrefix}${sender}-${n}`, text)));
  }
  return Buffer.concat(frames);
}

// Unmeasured: a share of each sender's burst, written at once and waited for; true when every
// member had it.
async function warmUp(
  context: ScenarioContext,
  spec: BurstSpec,
  rooms: RoomSet,
  uncounted: BenchConnection | undefined,
): Promise<boolean> {
  const { plan, subject } = context;
  if (plan.burstWarmupShare <= 0) return true;
  const perSender = Math.max(1, Math.round(messagesPerSender(plan, spec) * plan.burstWarmupShare));
  rooms.startMeasuring(uncounted);
  const senders = rooms.senders.flat();
  senders.forEach((connection, sender) => {
    connection.socket.write(sayFrames(connection, subject, sender, perSender, 'warm'));
  });
  const counted = rooms.members.length - (uncounted === undefined ? 0 : 1);
  return rooms.total.until(counted * sendersPerRoom(plan, spec) * perSender, BURST_TIMEOUT_MS);
}

/** Runs one burst scenario. */
export async function runBurst(context: ScenarioContext, spec: BurstSpec): Promise<RunOutcome> {
  const shape = {
    rooms: spec.rooms,
    members: spec.members,
    senders: sendersPerRoom(context.plan, spec),
  };
  return withRooms(context, shape, (rooms) => measureBurst(context, spec, rooms));
}

async function measureBurst(
  context: ScenarioContext,
  spec: BurstSpec,
  rooms: RoomSet,
): Promise<RunOutcome> {
  const { plan, subject, server } = context;
  const notes: string[] = [];
  const perSender = messagesPerSender(plan, spec);
  const senders = sendersPerRoom(plan, spec);
  const isSender = new Set(rooms.senders.flat());
  const slow = spec.slowReader
    ? rooms.members.find(
        (m, i) => m.protocol === 'rfc6455' && !rooms.isSampler(i) && !isSender.has(m),
      )
    : undefined;
  const warmedUp = await warmUp(context, spec, rooms, slow);
  if (!warmedUp) notes.push('the warm-up burst did not complete');
  rooms.startMeasuring(slow);
  slow?.socket.pause();
  const counted = rooms.members.length - (slow === undefined ? 0 : 1);
  const waves = WAVE_SUBJECTS.includes(subject.name) ? Math.max(1, plan.burstWaves) : 1;
  const perWave = counted * senders * perSender;
  const expected = perWave * waves;

  // Built before the window opens (a room of 10 takes 100 000 frames a wave), so each text
  // carries its send time relative to the moment its wave is written, which is the latency base.
  const bursts = Array.from({ length: waves }, (_, wave) =>
    rooms.senders.flat().map((connection, sender) => ({
      connection,
      bytes: sayFrames(connection, subject, sender, perSender, `s${wave}-`),
    })),
  );
  const window = await startWindow(server, context.profileStem);
  let complete = true;
  for (const [wave, writes] of bursts.entries()) {
    rooms.setTimeBase(now());
    for (const { connection, bytes } of writes) connection.socket.write(bytes);
    complete = await rooms.total.until(perWave * (wave + 1), BURST_TIMEOUT_MS);
    if (!complete) break;
  }
  const { figures, profiles } = await window.end();
  // Counts over the window are given per burst: a subject measured over several waves compares
  // with one measured once ("mark-compacts per burst" and the write calls alike).
  for (const key of PER_BURST_COUNTS) {
    const count = figures[key];
    if (count !== undefined) figures[key] = count / waves;
  }

  const doneMs = (complete ? rooms.total.lastAt : now()) - window.startedAt;
  const metrics: Record<string, number> = {
    ...figures,
    deliveriesPerSecond: rooms.total.count / (doneMs / 1000),
    deliveredFraction: rooms.total.count / expected,
    doneMs,
    waves,
  };
  for (const [protocol, counter] of rooms.byProtocol) {
    const pathMs = counter.lastAt - window.startedAt;
    metrics[protocolKey(protocol, 'deliveriesPerSecond')] = counter.count / (pathMs / 1000);
    metrics[protocolKey(protocol, 'doneMs')] = pathMs;
  }
  for (const [protocol, samples] of rooms.latency) {
    const latency = summarizeLatency(samples.toArray());
    metrics[protocolKey(protocol, 'p50Ms')] = latency.p50;
    metrics[protocolKey(protocol, 'p99Ms')] = latency.p99;
  }
  const latency = summarizeLatency(joinSamples([...rooms.latency.values()]));
  metrics.p50Ms = latency.p50;
  metrics.p99Ms = latency.p99;
  if (!complete) {
    notes.push(
      `timed out after ${BURST_TIMEOUT_MS} ms with ${rooms.total.count} of ${expected} deliveries`,
    );
  }
  if (slow !== undefined) {
    // Reading again lets a close the server sent while the reader stalled come through.
    slow.socket.resume();
    await sleep(SLOW_READER_RESUME_MS);
    metrics.slowReaderClosed = slow.closed ? 1 : 0;
    if (slow.closed) notes.push('the server closed the slow reader');
  }
  notes.push(...rooms.problems());
  return { metrics, notes, profiles };
}
