/**
 * The in-memory hub: rooms of one process (docs/PROTOCOL.md, "Guarantees").
 *
 * Every method does its work synchronously before its promise settles, so the order in which
 * sessions call the hub is the order in which members see the results.
 *
 * What a room may hold. History is bounded three ways: by count per room (`retainedHistory`),
 * by bytes per room (`roomHistoryBytes`) and by bytes in all (`totalHistoryBytes`, each room
 * also counting what it costs to exist). Past the room's bounds its oldest messages go; past
 * the total, the least recently active room gives up its history first: all of it when the
 * room is empty (the room is forgotten), oldest message first when it has members. A member
 * resuming past what was dropped gets `truncated: true`. A `welcome` and a `history` answer
 * carry at most `historyPageBytes` of history each, the newest that fit; the rest is paged back
 * with `history` requests, each costing the sender a token of its rate limit.
 *
 * Room lifetime. A room that never had a message is dropped as soon as its last member leaves:
 * there is nothing to resume. A room with messages keeps its history while empty for
 * `emptyRoomTtlMs` (default one hour, less when the total budget needs the room), so members
 * who reconnect can resume with `since`. Then the room is forgotten but its last `seq` is kept
 * as a tombstone of a few bytes, so that if the room fills again its `seq` continues instead of
 * restarting at 1, and a client resuming with an old `since` gets `truncated: true` rather than
 * a silently wrong stream. Tombstones are bounded too (`maxForgottenRooms`, oldest first):
 * a room forgotten past that starts again at seq 1, and a client resuming into it with a `since`
 * beyond the new seq gets the latest messages and `truncated: true` (as after a restart).
 */
import { atTurnStart, PreparedBatch, PreparedMessage } from '@draftbridge/protocol-router';
import {
  DEFAULT_HISTORY_PAGE_BYTES,
  DEFAULT_MAX_ROOM_MEMBERS,
  DEFAULT_RETAINED_HISTORY,
  DEFAULT_WELCOME_HISTORY,
  serializeChatMessage,
} from '@draftbridge/shared-types';
import {
  DEFAULT_EMPTY_ROOM_TTL_MS,
  DEFAULT_MAX_FORGOTTEN_ROOMS,
  DEFAULT_ROOM_HISTORY_BYTES,
  DEFAULT_TOTAL_HISTORY_BYTES,
  ROOM_OVERHEAD_BYTES,
} from '../constants.js';
import type { EvictionReason, Metrics } from '../metrics.js';
import {
  type DeliveryKind,
  type Hub,
  type HubOptions,
  HubRefusal,
  type RoomMember,
} from './hub.js';
import { deliverPresence, PRESENCE_WINDOW_MS, PresenceBatch } from './presence-batch.js';
import { createRoomHistory, type RoomHistory } from './room-history.js';
import { serializeHistoryPage, serializePresence, serializeWelcome } from './serialize.js';

/** Options of the in-memory hub; every one has a default. */
export interface MemoryHubOptions extends HubOptions {
  /** Most bytes of history one room retains (default 1 MiB). */
  readonly roomHistoryBytes?: number;
  /** Most bytes all rooms retain together, their own cost included (default 64 MiB). */
  readonly totalHistoryBytes?: number;
  /** How many forgotten rooms keep their last seq (default 100 000). */
  readonly maxForgottenRooms?: number;
  /** How long an empty room keeps its history, in ms; `Infinity` keeps it for good. */
  readonly emptyRoomTtlMs?: number;
  /** Where evictions and sizes are counted. */
  readonly metrics?: Metrics;
}

interface MemberState {
  /** The member as JSON, made once: every welcome of the room lists it. */
  readonly json: string;
  /** The presence order its view is built up to. */
  known: number;
}

interface Room {
  readonly name: string;
  seq: number;
  readonly members: Map<RoomMember, MemberState>;
  readonly history: RoomHistory;
  presenceOrder: number;
  readonly presence: PresenceBatch;
  evictTimer: NodeJS.Timeout | undefined;
  /** What the room counts against the total budget now. */
  counted: number;
  /** Members that take a turn's messages as one batch (`deliverBatch`). */
  batched: number;
  /** Messages of this turn not yet handed to the batched members. */
  pending: PreparedMessage[];
  /** True while a hand-over waits for the start of the write turn. */
  handOverScheduled: boolean;
}

/** Creates a hub that keeps every room in this process's memory. */
export function createMemoryHub(options: MemoryHubOptions = {}): Hub {
  const retainedHistory = options.retainedHistory ?? DEFAULT_RETAINED_HISTORY;
  const welcomeHistory = Math.min(
    options.welcomeHistory ?? DEFAULT_WELCOME_HISTORY,
    retainedHistory,
  );
  const pageBytes = options.historyPageBytes ?? DEFAULT_HISTORY_PAGE_BYTES;
  const roomBudget = options.roomHistoryBytes ?? DEFAULT_ROOM_HISTORY_BYTES;
  const totalBudget = options.totalHistoryBytes ?? DEFAULT_TOTAL_HISTORY_BYTES;
  const maxMembers = options.maxRoomMembers ?? DEFAULT_MAX_ROOM_MEMBERS;
  const maxForgotten = options.maxForgottenRooms ?? DEFAULT_MAX_FORGOTTEN_ROOMS;
  const presenceWindowMs = options.presenceWindowMs ?? PRESENCE_WINDOW_MS;
  const emptyRoomTtlMs = options.emptyRoomTtlMs ?? DEFAULT_EMPTY_ROOM_TTL_MS;
  const now = options.now ?? Date.now;
  const { metrics } = options;
  // In order of last activity, least recent first: what the total budget takes first.
  const rooms = new Map<string, Room>();
  const lastSeqOfForgotten = new Map<string, number>();
  let total = 0;
  let closed = false;

  const assertOpen = () => {
    if (closed) throw new Error('The hub is closed.');
  };

  function deliver(member: RoomMember, kind: DeliveryKind, message: PreparedMessage) {
    try {
      member.deliver({ kind, message });
    } catch (error) {
      options.onDeliverError?.(error, member);
    }
  }

  // A room's messages of one turn go to its batched members together, at the start of the
  // write turn (atTurnStart): a burst of M messages to N members is N deliveries, not M x N.
  // Anything else the hub delivers to a member of the room hands the pending messages over
  // first, so that every member still sees everything in the order it happened.
  function handOver(room: Room) {
    const { pending } = room;
    if (pending.length === 0) return;
    room.pending = [];
    const batch = new PreparedBatch(pending);
    for (const member of room.members.keys()) {
      if (member.deliverBatch === undefined) continue;
      try {
        member.deliverBatch(batch);
      } catch (error) {
        options.onDeliverError?.(error, member);
      }
    }
  }

  function broadcast(room: Room, message: PreparedMessage) {
    if (room.batched < room.members.size) {
      for (const member of room.members.keys()) {
        if (member.deliverBatch === undefined) deliver(member, 'message', message);
      }
    }
    if (room.batched === 0) return;
    room.pending.push(message);
    if (room.handOverScheduled) return;
    room.handOverScheduled = true;
    atTurnStart(() => {
      room.handOverScheduled = false;
      handOver(room);
    });
  }

  function account(room: Room) {
    const counted = ROOM_OVERHEAD_BYTES + room.history.bytes;
    total += counted - room.counted;
    room.counted = counted;
  }

  function reportSizes() {
    if (metrics === undefined) return;
    metrics.hubSizes.historyBytes = total;
    metrics.hubSizes.rooms = rooms.size;
  }

  // The room last touched is already last in `rooms`: a busy room skips the re-insertion.
  let newest: Room | undefined;

  function touch(room: Room) {
    if (newest === room) return;
    rooms.delete(room.name);
    rooms.set(room.name, room);
    newest = room;
  }

  function openRoom(name: string): Room {
    const existing = rooms.get(name);
    if (existing !== undefined) {
      clearTimeout(existing.evictTimer);
      existing.evictTimer = undefined;
      touch(existing);
      return existing;
    }
    const seq = lastSeqOfForgotten.get(name) ?? 0;
    lastSeqOfForgotten.delete(name);
    const room: Room = {
      name,
      seq,
      members: new Map(),
      history: createRoomHistory(retainedHistory, seq + 1),
      presenceOrder: 0,
      presence: new PresenceBatch(presenceWindowMs, () => flushPresence(room)),
      evictTimer: undefined,
      counted: 0,
      batched: 0,
      pending: [],
      handOverScheduled: false,
    };
    rooms.set(name, room);
    newest = room;
    account(room);
    return room;
  }

  function forget(room: Room, reason: 'ttl' | 'total_budget' | 'unused') {
    clearTimeout(room.evictTimer);
    room.presence.take();
    rooms.delete(room.name);
    if (newest === room) newest = undefined;
    total -= room.counted;
    if (room.seq > 0) {
      lastSeqOfForgotten.set(room.name, room.seq);
      if (lastSeqOfForgotten.size > maxForgotten) {
        const oldest = lastSeqOfForgotten.keys().next().value;
        if (oldest !== undefined) lastSeqOfForgotten.delete(oldest);
      }
    }
    if (reason !== 'unused') metrics?.roomsForgotten.inc({ reason });
    reportSizes();
  }

  function onEmpty(room: Room) {
    room.presence.take();
    if (room.seq === 0 || emptyRoomTtlMs <= 0) {
      forget(room, room.seq === 0 ? 'unused' : 'ttl');
    } else if (Number.isFinite(emptyRoomTtlMs)) {
      room.evictTimer = setTimeout(() => forget(room, 'ttl'), emptyRoomTtlMs);
      // A quiet room must not keep the process alive.
      room.evictTimer.unref();
    }
  }

  function evicted(reason: EvictionReason, messages: number) {
    if (metrics !== undefined) metrics.evictions[reason] += messages;
  }

  // Past the total, the least recently active rooms give up their history first.
  function enforceTotalBudget() {
    if (total <= totalBudget) return;
    let dropped = 0;
    for (const room of rooms.values()) {
      while (total > totalBudget) {
        if (room.members.size === 0) {
          forget(room, 'total_budget');
          break;
        }
        if (!room.history.dropOldest()) break;
        dropped += 1;
        account(room);
      }
      if (total <= totalBudget) break;
    }
    evicted('total_budget', dropped);
  }

  function flushPresence(room: Room) {
    handOver(room);
    const pending = room.presence.take();
    deliverPresence(
      pending,
      room.members.entries(),
      ([member, state]) => ({ known: state.known, selfId: member.member.id }),
      ([member], change) => deliver(member, 'presence', change.message),
    );
    for (const state of room.members.values()) state.known = room.presenceOrder;
  }

  function addPresence(room: Room, event: 'join' | 'leave', member: RoomMember) {
    room.presenceOrder += 1;
    room.presence.add({
      event,
      memberId: member.member.id,
      message: new PreparedMessage(serializePresence(event, member.member)),
      order: room.presenceOrder,
    });
  }

  function welcomeHistoryOf(room: Room, since: number | undefined) {
    const { history } = room;
    if (since === undefined || since > room.seq) {
      // A since beyond the room's seq comes from before a restart: the client resets its view.
      const latest = history.slice(0, Number.POSITIVE_INFINITY, welcomeHistory, pageBytes);
      return { texts: latest.texts, truncated: since !== undefined };
    }
    const after = history.slice(since, room.seq + 1, Number.POSITIVE_INFINITY, pageBytes);
    return { texts: after.texts, truncated: !after.whole || since + 1 < history.firstSeq };
  }

  function memberOf(name: string, member: RoomMember): Room {
    const room = rooms.get(name);
    if (room === undefined || !room.members.has(member)) {
      throw new Error(`Member ${member.member.id} is not in room ${name}.`);
    }
    return room;
  }

  // The memory hub's `say`, done before it returns; a refusal throws.
  function sayNow(member: RoomMember, name: string, id: string, text: string): void {
    assertOpen();
    const room = memberOf(name, member);
    const { client } = member;
    const original = room.history.find(client, id);
    if (original !== undefined) {
      handOver(room);
      deliver(member, 'duplicate', new PreparedMessage(original.text));
      return;
    }
    // Whoever joined before this message is heard of before it.
    if (room.presence.size > 0) flushPresence(room);
    room.seq += 1;
    const message = new PreparedMessage(
      serializeChatMessage(
        {
          type: 'message',
          room: name,
          seq: room.seq,
          id,
          client,
          text,
          ts: now(),
          from: member.member,
        },
        room.members.get(member)?.json,
      ),
    );
    const { history } = room;
    evicted(
      'count',
      history.append({ seq: room.seq, client, id, text: message.text }, message.byteLength),
    );
    let overRoomBudget = 0;
    while (history.bytes > roomBudget && history.dropOldest()) overRoomBudget += 1;
    evicted('room_budget', overRoomBudget);
    account(room);
    touch(room);
    enforceTotalBudget();
    reportSizes();
    broadcast(room, message);
  }

  return {
    async join(member, name, since) {
      assertOpen();
      const existing = rooms.get(name);
      if (existing !== undefined && existing.members.size >= maxMembers) {
        throw new HubRefusal('room_full', `Room ${name} has ${maxMembers} members.`);
      }
      const room = openRoom(name);
      // The welcome's history holds the pending messages: the new member is not handed them.
      handOver(room);
      addPresence(room, 'join', member);
      room.members.set(member, { json: JSON.stringify(member.member), known: room.presenceOrder });
      if (member.deliverBatch !== undefined) room.batched += 1;
      const history = welcomeHistoryOf(room, since);
      const memberJsons = Array.from(room.members.values(), (state) => state.json);
      const welcome = serializeWelcome(
        { room: name, self: member.member, seq: room.seq, truncated: history.truncated },
        memberJsons,
        history.texts,
      );
      deliver(member, 'welcome', new PreparedMessage(welcome));
      reportSizes();
    },

    say(member, name, id, text) {
      try {
        sayNow(member, name, id, text);
      } catch (error) {
        return Promise.reject(error);
      }
      return undefined;
    },

    async history(member, name, before) {
      assertOpen();
      const room = memberOf(name, member);
      handOver(room);
      const page = room.history.slice(0, before, Number.POSITIVE_INFINITY, pageBytes);
      const more = page.firstSeq !== undefined && page.firstSeq > room.history.firstSeq;
      deliver(member, 'history', new PreparedMessage(serializeHistoryPage(name, page.texts, more)));
    },

    async leave(member, name) {
      const room = rooms.get(name);
      if (closed || room === undefined || !room.members.has(member)) return;
      handOver(room);
      room.members.delete(member);
      if (member.deliverBatch !== undefined) room.batched -= 1;
      if (room.members.size === 0) {
        onEmpty(room);
        return;
      }
      addPresence(room, 'leave', member);
    },

    async close() {
      closed = true;
      for (const room of rooms.values()) {
        handOver(room);
        clearTimeout(room.evictTimer);
        room.presence.take();
      }
      rooms.clear();
      lastSeqOfForgotten.clear();
      total = 0;
    },
  };
}
