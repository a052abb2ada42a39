/**
 * The paced loads, light and heavy: messages go out at a steady total rate into one room,
 * round-robin over the senders, each written on its own with its own timestamp, for a fixed
 * time. The figures are latency p50, p99 and max from the sampled members. A server that cannot keep up shows it as
 * latency that grows through the run, and, past the drain timeout, as undelivered messages
 * whose latency counts as the time they had waited by then (a lower bound).
 */
import { setInterval } from 'node:timers';
import { now } from '../client/delivery-counter.js';
import { PACED_DRAIN_TIMEOUT_MS } from '../constants.js';
import { createMessageText } from '../payload.js';
import { joinSamples, summarizeLatency } from '../stats.js';
import { type PacedSpec, pacedRate } from './catalog.js';
import { startWindow } from './measure-window.js';
import { type RoomSet, withRooms } from './room.js';
import { protocolKey, type RunOutcome, type ScenarioContext } from './scenario-context.js';

// Timer granularity of the pacing loop; each tick sends what is due, so the rate stays exact.
const PACING_TICK_MS = 5;

/**
 * A message still missing at the end has waited at least until now: its latency is counted as
 * that lower bound, so a server that falls behind cannot look better by not delivering. A
 * receiver gets the messages in send order, so the ones it is missing are the last ones sent.
 */
export function addCensoredSamples(
  room: Pick<RoomSet, 'samplerCounts' | 'latency'>,
  sentAt: Float64Array,
  endedAt: number,
): void {
  for (const { protocol, received } of room.samplerCounts()) {
    const samples = room.latency.get(protocol);
    for (let i = received; i < sentAt.length; i += 1)
      samples?.push(endedAt - (sentAt[i] ?? endedAt));
  }
}

/** Runs a paced scenario. */
export async function runPaced(context: ScenarioContext, spec: PacedSpec): Promise<RunOutcome> {
  const shape = {
    rooms: 1,
    members: context.plan.pacedMembers,
    senders: context.plan.pacedSenders,
  };
  return withRooms(context, shape, (room) =>
    measurePaced(context, room, pacedRate(context.plan, spec)),
  );
}

async function measurePaced(
  context: ScenarioContext,
  room: RoomSet,
  rate: number,
): Promise<RunOutcome> {
  const { plan, subject, server } = context;
  const notes: string[] = [];
  const senders = room.senders[0] ?? [];
  const totalMessages = rate * plan.pacedSeconds;
  const expected = room.members.length * totalMessages;
  const sentAt = new Float64Array(totalMessages);
  room.startMeasuring();
  const window = await startWindow(server, context.profileStem);
  await new Promise<void>((resolve) => {
    let sent = 0;
    const tick = (): void => {
      const elapsed = now() - window.startedAt;
      const due = Math.min(totalMessages, Math.floor((elapsed / 1000) * rate) + 1);
      while (sent < due) {
        const s = sent % senders.length;
        const sender = senders[s];
        sentAt[sent] = now();
        sender?.send(
          subject.dialect.say(`s${s}-${sent}`, createMessageText(s, sent, sentAt[sent] ?? 0)),
        );
        sent += 1;
      }
      if (sent >= totalMessages) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, PACING_TICK_MS);
    tick();
  });
  const sendMs = now() - window.startedAt;
  const complete = await room.total.until(expected, PACED_DRAIN_TIMEOUT_MS);
  const { figures, profiles } = await window.end();
  if (!complete) addCensoredSamples(room, sentAt, now());

  const metrics: Record<string, number> = {
    ...figures,
    deliveredFraction: room.total.count / expected,
    sendRate: totalMessages / (sendMs / 1000),
  };
  for (const [protocol, samples] of room.latency) {
    const latency = summarizeLatency(samples.toArray());
    metrics[protocolKey(protocol, 'p50Ms')] = latency.p50;
    metrics[protocolKey(protocol, 'p99Ms')] = latency.p99;
    metrics[protocolKey(protocol, 'maxMs')] = latency.max;
  }
  const latency = summarizeLatency(joinSamples([...room.latency.values()]));
  metrics.p50Ms = latency.p50;
  metrics.p99Ms = latency.p99;
  metrics.maxMs = latency.max;
  if (!complete) {
    notes.push(
      `${expected - room.total.count} of ${expected} deliveries still missing ${PACED_DRAIN_TIMEOUT_MS} ms after the last send (their latency counts as the wait so far)`,
    );
  }
  notes.push(...room.problems());
  return { metrics, notes, profiles };
}
