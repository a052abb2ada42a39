/**
 * Bench rooms: members connected to one subject and joined, the first few of each room its
 * senders, with per-protocol delivery counters and latency samples. Members alternate between
 * the subject's protocols within each room (and between its instances, on Redis), and one
 * member in LATENCY_SAMPLE_EVERY of each protocol decodes what it receives to read the send
 * timestamp; the others only count frames. Every member counts its deliveries, senders too:
 * the server sends each message to everyone in the room.
 *
 * Joining makes draftbridge announce each newcomer to everyone already in the room, so the
 * rooms are used only once no frame has arrived for QUIET_PERIOD_MS: no presence is in flight
 * when counting starts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createRoomName } from '../chat-dialect.js';
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

/** How many rooms, members and senders. */
export interface RoomsSpec {
  readonly rooms: number;
  /** Members of each room, senders included. */
  readonly members: number;
  /** The first this many members of each room send. */
  readonly senders: number;
}

/** Joined rooms, ready to measure. */
export interface RoomSet {
  /** Every member, room after room. */
  readonly members: readonly BenchConnection[];
  /** Each room's senders. */
  readonly senders: readonly (readonly BenchConnection[])[];
  /** Deliveries to every counted member. */
  readonly total: DeliveryCounter;
  readonly byProtocol: ReadonlyMap<WireProtocol, DeliveryCounter>;
  /** Latency samples (ms) per protocol. */
  readonly latency: ReadonlyMap<WireProtocol, SampleList>;
  /** Whether member `index` (in `members`) decodes for latency. */
  isSampler(index: number): boolean;
  /** How many timestamped messages each sampling member has received since measuring began. */
  samplerCounts(): { readonly protocol: WireProtocol; readonly received: number }[];
  /** Latency is arrival minus (this + the time a text carries); 0 unless set. */
  setTimeBase(ms: number): void;
  /** Resets counters and starts counting and sampling; `uncounted` is left out. */
  startMeasuring(uncounted?: BenchConnection): void;
  /** What went wrong with members during the run: closes by the server, broken streams. */
  problems(): string[];
  /** Destroys every connection. */
  close(): void;
}

/** Opens the rooms of `spec`, runs `measure` on them, and closes them however it ends. */
export async function withRooms<T>(
  context: ScenarioContext,
  spec: RoomsSpec,
  measure: (rooms: RoomSet) => Promise<T>,
): Promise<T> {
  const rooms = await openRooms(context, spec);
  try {
    return await measure(rooms);
  } finally {
    rooms.close();
  }
}

/** Connects and joins `spec.rooms` rooms of `spec.members` members each. */
export async function openRooms(context: ScenarioContext, spec: RoomsSpec): Promise<RoomSet> {
  const { subject, server } = context;
  const protocols = subject.protocols;
  const roomNames = Array.from({ length: spec.rooms }, () => createRoomName());
  const setup = new DeliveryCounter();
  const join = async (index: number): Promise<BenchConnection> => {
    const room = Math.floor(index / spec.members);
    const position = index % spec.members;
    const protocol = protocols[position % protocols.length] ?? 'rfc6455';
    // Instances (two on Redis) alternate with position pairs, so each serves both protocols.
    const port = server.portFor(Math.floor(position / protocols.length));
    const target = { host: BENCH_HOST, port, path: subject.dialect.path };
    const connection = await openConnection(protocol, target);
    connection.counter = setup;
    try {
      await subject.dialect.join(connection, `m${index}`, roomNames[room] ?? '');
    } catch (error) {
      connection.destroy();
      throw error;
    }
    return connection;
  };
  const opened = await settleConcurrently(spec.rooms * spec.members, CONNECT_CONCURRENCY, join);
  let members: BenchConnection[];
  try {
    members = fulfilledOrThrow(opened);
  } catch (error) {
    for (const result of opened) if (result.status === 'fulfilled') result.value.destroy();
    throw error;
  }
  const senders = roomNames.map((_, room) =>
    members.slice(room * spec.members, room * spec.members + spec.senders),
  );
  await waitForQuiet(setup);

  const total = new DeliveryCounter();
  const byProtocol = new Map(protocols.map((p) => [p, new DeliveryCounter(total)] as const));
  const latency = new Map(protocols.map((p) => [p, new SampleList()] as const));
  const sampled = new Map<BenchConnection, number>();
  let timeBase = 0;
  const isSampler = (index: number): boolean =>
    Math.floor(index / protocols.length) % LATENCY_SAMPLE_EVERY === 0;

  return {
    members,
    senders,
    total,
    byProtocol,
    latency,
    isSampler,
    samplerCounts: () =>
      [...sampled].map(([member, received]) => ({ protocol: member.protocol, received })),
    setTimeBase(ms) {
      timeBase = ms;
    },
    startMeasuring(uncounted) {
      total.reset();
      for (const counter of byProtocol.values()) counter.reset();
      for (const samples of latency.values()) samples.clear();
      sampled.clear();
      members.forEach((member, index) => {
        member.counter = member === uncounted ? null : (byProtocol.get(member.protocol) ?? null);
        if (member === uncounted || !isSampler(index)) return;
        const samples = latency.get(member.protocol);
        sampled.set(member, 0);
        member.decode = true;
        member.onMessage = (payload, at) => {
          const sentAt = readSentAt(payload);
          if (sentAt === null) return;
          samples?.push(at - timeBase - sentAt);
          sampled.set(member, (sampled.get(member) ?? 0) + 1);
        };
      });
    },
    problems() {
      const found: string[] = [];
      const closed = members.filter((c) => c.closed);
      if (closed.length > 0)
        found.push(`${closed.length} member connection(s) closed during the run`);
      const broken = members.find((c) => c.protocolError !== null);
      if (broken !== undefined) found.push(`broken stream: ${broken.protocolError}`);
      return found;
    },
    close() {
      for (const connection of members) connection.destroy();
    },
  };
}

async function waitForQuiet(setup: DeliveryCounter): Promise<void> {
  const deadline = now() + QUIET_TIMEOUT_MS;
  await sleep(QUIET_PERIOD_MS);
  while (now() - setup.lastAt < QUIET_PERIOD_MS) {
    if (now() > deadline)
      throw new Error(`the rooms were still busy after ${QUIET_TIMEOUT_MS} ms of joins`);
    await sleep(QUIET_PERIOD_MS / 3);
  }
}
