/**
 * Scenario 1, burst fan-out, and scenario 4, the slow reader. Every sender writes all its
 * messages at once (one socket write each, so the server meets the whole burst in a few reads);
 * the figure is deliveries per second to the receivers, from the first write to the last
 * delivery, with latency p50/p99 from the sampled receivers.
 *
 * With `slowReader`, one RFC 6455 receiver that does not sample stops reading as the burst
 * starts: the others' figures should stay within 10% of the plain burst, and the server's peak
 * memory bounded. Its deliveries are not expected, so they do not gate the end of the run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { now } from '../client/delivery-counter.js';
import { BURST_TIMEOUT_MS } from '../constants.js';
import { createMessageText } from '../payload.js';
import { joinSamples, summarizeLatency } from '../stats.js';
import { startWindow } from './measure-window.js';
import { openRoom, type Room } from './room.js';
import { protocolKey, type RunOutcome, type ScenarioContext } from './scenario-context.js';

// How long the slow reader reads again after the burst, to see whether it was closed.
const SLOW_READER_RESUME_MS = 500;

/** Runs the burst; with `slowReader` one receiver stops reading first. */
export async function runBurst(context: ScenarioContext, slowReader: boolean): Promise<RunOutcome> {
  const room = await openRoom(context, {
    receivers: context.plan.burstReceivers,
    senders: context.plan.burstSenders,
  });
  try {
    return await measureBurst(context, room, slowReader);
  } finally {
    room.close();
  }
}

async function measureBurst(
  context: ScenarioContext,
  room: Room,
  slowReader: boolean,
): Promise<RunOutcome> {
  const { plan, subject, server } = context;
  const notes: string[] = [];
  const slow = slowReader
    ? room.receivers.find((r, i) => r.protocol === 'rfc6455' && !room.isSampler(i))
    : undefined;
  room.startMeasuring();
  if (slow !== undefined) {
    slow.counter = null;
    slow.socket.pause();
  }
  const perReceiver = plan.burstSenders * plan.burstMessagesPerSender;
  const counted = room.receivers.length - (slow === undefined ? 0 : 1);
  const expected = counted * perReceiver;

  const window = startWindow(server);
  const sentAt = now();
  const bursts = room.senders.map((sender, s) => {
    const frames: Buffer[] = [];
    for (let n = 0; n < plan.burstMessagesPerSender; n += 1) {
      frames.push(sender.frame(subject.dialect.say(`s${s}-${n}`, createMessageText(s, n, sentAt))));
    }
    return Buffer.concat(frames);
  });
  room.senders.forEach((sender, s) => {
    sender.socket.write(bursts[s] ?? Buffer.alloc(0));
  });
  const complete = await room.total.until(expected, BURST_TIMEOUT_MS);
  const figures = window.end();

  const doneMs = (complete ? room.total.lastAt : now()) - window.startedAt;
  const metrics: Record<string, number> = {
    ...figures,
    deliveriesPerSecond: room.total.count / (doneMs / 1000),
    deliveredFraction: room.total.count / expected,
    doneMs,
  };
  for (const [protocol, samples] of room.latency) {
    const latency = summarizeLatency(samples.toArray());
    const counter = room.byProtocol.get(protocol);
    metrics[protocolKey(protocol, 'p50Ms')] = latency.p50;
    metrics[protocolKey(protocol, 'p99Ms')] = latency.p99;
    metrics[protocolKey(protocol, 'doneMs')] = (counter?.lastAt ?? Number.NaN) - window.startedAt;
  }
  const latency = summarizeLatency(joinSamples([...room.latency.values()]));
  metrics.p50Ms = latency.p50;
  metrics.p99Ms = latency.p99;
  if (!complete) {
    notes.push(
      `timed out after ${BURST_TIMEOUT_MS} ms with ${room.total.count} of ${expected} deliveries`,
    );
  }
  if (slow !== undefined) {
    // Reading again lets a close the server sent while the reader stalled come through.
    slow.socket.resume();
    await sleep(SLOW_READER_RESUME_MS);
    metrics.slowReaderClosed = slow.closed ? 1 : 0;
    if (slow.closed) notes.push('the server closed the slow reader');
  }
  for (const [code, count] of room.senderErrors) notes.push(`senders got ${count} error ${code}`);
  notes.push(...room.problems());
  return { metrics, notes };
}
