/**
 * A bench room: receivers and senders connected to one subject and joined, with per-protocol
 * delivery counters and latency samples. Receivers alternate between the subject's protocols,
 * and one receiver in LATENCY_SAMPLE_EVERY of each protocol decodes what it receives to read the
 * send timestamp; the others only count frames.
 *
 * Joining makes draftbridge announce each newcomer to everyone already in the room, so the
 * room is used only once no frame has arrived for QUIET_PERIOD_MS: no presence is in flight when
 * counting starts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createRoomName, readMessageType } from '../chat-dialect.js';
import { type BenchConnection, openConnection } from '../client/bench-connection.js';
import { fulfilledOrThrow, settleConcurrently } from '../client/concurrency.js';
import { DeliveryCounter, now } from '../client/delivery-counter.js';
import {
  CONNECT_CONCURRENCY,
  LATENCY_SAMPLE_EVERY,
  QUIET_PERIOD_MS,
  QUIET_TIMEOUT_MS,
  type WireProtocol,
} from '../constants.js';
import { readSentAt } from '../payload.js';
import { BENCH_HOST } from '../server-process.js';
import { SampleList } from '../stats.js';
import type { ScenarioContext } from './scenario-context.js';

const ERROR_TYPE = '"type":"error"';

/** How many of each kind of member. */
export interface RoomSpec {
  readonly receivers: number;
  readonly senders: number;
}

/** A joined room, ready to measure. */
export interface Room {
  readonly receivers: readonly BenchConnection[];
  readonly senders: readonly BenchConnection[];
  /** Deliveries to all receivers. */
  readonly total: DeliveryCounter;
  readonly byProtocol: ReadonlyMap<WireProtocol, DeliveryCounter>;
  /** Latency samples (ms) per protocol. */
  readonly latency: ReadonlyMap<WireProtocol, SampleList>;
  /** Error codes the server sent to senders (draftbridge: rate_limited and the like). */
  readonly senderErrors: Map<string, number>;
  /** Whether receiver `index` decodes for latency. */
  isSampler(index: number): boolean;
  /** How many timestamped messages each sampling receiver has received since measuring began. */
  samplerCounts(): { readonly protocol: WireProtocol; readonly received: number }[];
  /** Resets counters and starts counting deliveries and sampling latency. */
  startMeasuring(): void;
  /** What went wrong with members during the run: closes by the server, broken streams. */
  problems(): string[];
  /** Destroys every connection. */
  close(): void;
}

/** Connects and joins `spec.receivers` receivers and `spec.senders` senders. */
export async function openRoom(context: ScenarioContext, spec: RoomSpec): Promise<Room> {
  const { subject, server } = context;
  const protocols = subject.protocols;
  const roomName = createRoomName();
  const setup = new DeliveryCounter();
  const join = async (
    protocol: WireProtocol,
    name: string,
    index: number,
  ): Promise<BenchConnection> => {
    // Members alternate between a subject's instances (two for draftbridge on Redis), each
    // protocol evenly: the protocol alternates with the index, the instance with index pairs.
    const port = server.portFor(Math.floor(index / protocols.length));
    const target = { host: BENCH_HOST, port, path: subject.dialect.path };
    const connection = await openConnection(protocol, target);
    connection.counter = setup;
    try {
      await subject.dialect.join(connection, name, roomName);
    } catch (error) {
      connection.destroy();
      throw error;
    }
    return connection;
  };
  const protocolOf = (index: number): WireProtocol =>
    protocols[index % protocols.length] ?? 'rfc6455';
  const opened = [
    ...(await settleConcurrently(spec.receivers, CONNECT_CONCURRENCY, (i) =>
      join(protocolOf(i), `r${i}`, i),
    )),
    ...(await settleConcurrently(spec.senders, CONNECT_CONCURRENCY, (i) =>
      join(protocolOf(i), `s${i}`, i),
    )),
  ];
  let connections: BenchConnection[];
  try {
    connections = fulfilledOrThrow(opened);
  } catch (error) {
    for (const result of opened) if (result.status === 'fulfilled') result.value.destroy();
    throw error;
  }
  const receivers = connections.slice(0, spec.receivers);
  const senders = connections.slice(spec.receivers);
  await waitForQuiet(setup);

  const total = new DeliveryCounter();
  const byProtocol = new Map(protocols.map((p) => [p, new DeliveryCounter(total)] as const));
  const latency = new Map(protocols.map((p) => [p, new SampleList()] as const));
  const senderErrors = new Map<string, number>();
  const sampled = new Map<BenchConnection, number>();
  const isSampler = (index: number): boolean =>
    Math.floor(index / protocols.length) % LATENCY_SAMPLE_EVERY === 0;

  return {
    receivers,
    senders,
    total,
    byProtocol,
    latency,
    senderErrors,
    isSampler,
    samplerCounts: () =>
      [...sampled].map(([receiver, received]) => ({ protocol: receiver.protocol, received })),
    startMeasuring() {
      total.reset();
      for (const counter of byProtocol.values()) counter.reset();
      receivers.forEach((receiver, index) => {
        receiver.counter = byProtocol.get(receiver.protocol) ?? null;
        if (!isSampler(index)) return;
        const samples = latency.get(receiver.protocol);
        sampled.set(receiver, 0);
        receiver.decode = true;
        receiver.onMessage = (payload, at) => {
          const sentAt = readSentAt(payload);
          if (sentAt === null) return;
          samples?.push(at - sentAt);
          sampled.set(receiver, (sampled.get(receiver) ?? 0) + 1);
        };
      });
      for (const sender of senders) {
        sender.counter = null;
        if (subject.dialect.kind !== 'draftbridge') continue;
        sender.decode = true;
        sender.onMessage = (payload) => {
          // A cheap substring test first: senders receive every message of the room.
          if (!payload.includes(ERROR_TYPE) || readMessageType(payload) !== 'error') return;
          const code = /"code":"([a-z_]+)"/.exec(payload.toString('utf8'))?.[1] ?? 'unknown';
          senderErrors.set(code, (senderErrors.get(code) ?? 0) + 1);
        };
      }
    },
    problems() {
      const found: string[] = [];
      const closed = connections.filter((c) => c.closed);
      if (closed.length > 0)
        found.push(`${closed.length} member connection(s) closed during the run`);
      const broken = connections.find((c) => c.protocolError !== null);
      if (broken !== undefined) found.push(`broken stream: ${broken.protocolError}`);
      return found;
    },
    close() {
      for (const connection of connections) connection.destroy();
    },
  };
}

async function waitForQuiet(setup: DeliveryCounter): Promise<void> {
  const deadline = now() + QUIET_TIMEOUT_MS;
  await sleep(QUIET_PERIOD_MS);
  while (now() - setup.lastAt < QUIET_PERIOD_MS) {
    if (now() > deadline)
      throw new Error(`the room was still busy after ${QUIET_TIMEOUT_MS} ms of joins`);
    await sleep(QUIET_PERIOD_MS / 3);
  }
}
