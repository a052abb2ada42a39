/**
 * The in-memory hub: rooms of one process (docs/PROTOCOL.md, "Guarantees").
 *
 * Every method does its work synchronously before its promise settles, so the order in which
 * sessions call the hub is the order in which members see the results.
 *
 * Room lifetime. A room that never had a message is dropped as soon as its last member leaves:
 * there is nothing to resume. A room with messages keeps its history while empty for
 * `emptyRoomTtlMs` (default one hour), so members who reconnect can resume with `since`. After
 * that its history is freed but its last `seq` is kept as a tombstone of a few bytes, so that
 * if the room fills again its `seq` continues instead of restarting at 1: a client resuming
 * with an old `since` then gets `truncated: true` rather than a silently wrong stream.
 * A `since` beyond the room's `seq` can only come from before a restart of this process; it is
 * answered with the latest messages and `truncated: true` so that the client resets its view.
 */
import { DEFAULT_RETAINED_HISTORY, DEFAULT_WELCOME_HISTORY } from '@draftbridge/shared-types';
import { DEFAULT_EMPTY_ROOM_TTL_MS } from '../constants.js';
import {
  type CreateOutbound,
  createPlainOutbound,
  type Hub,
  type OutboundMessage,
  type RoomMember,
} from './hub.js';
import { createRoomHistory, type HistorySlice, type RoomHistory } from './room-history.js';
import {
  serializeChatMessage,
  serializePresence,
  serializeWelcome,
  type WelcomeFields,
} from './serialize.js';

/** Options of the in-memory hub; every one has a default. */
export interface MemoryHubOptions {
  /** Messages retained per room (default 1000). */
  readonly retainedHistory?: number;
  /** Latest messages in a `welcome` without `since` (default 50). */
  readonly welcomeHistory?: number;
  /** Wraps each serialized message once for all its recipients (default: a plain `{ text }`). */
  readonly createOutbound?: CreateOutbound;
  /** How long an empty room keeps its history, in ms; `Infinity` keeps it for good. */
  readonly emptyRoomTtlMs?: number;
  /** The clock for `ts`, in ms since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** Told when a member's `deliver` throws; the others are delivered to regardless. */
  readonly onDeliverError?: (error: unknown, member: RoomMember) => void;
}

interface Room {
  readonly name: string;
  seq: number;
  readonly members: Set<RoomMember>;
  readonly history: RoomHistory;
  evictTimer: NodeJS.Timeout | undefined;
}

/** Creates a hub that keeps every room in this process's memory. */
export function createMemoryHub(options: MemoryHubOptions = {}): Hub {
  const retainedHistory = options.retainedHistory ?? DEFAULT_RETAINED_HISTORY;
  const welcomeHistory = Math.min(
    options.welcomeHistory ?? DEFAULT_WELCOME_HISTORY,
    retainedHistory,
  );
  const createOutbound = options.createOutbound ?? createPlainOutbound;
  const emptyRoomTtlMs = options.emptyRoomTtlMs ?? DEFAULT_EMPTY_ROOM_TTL_MS;
  const now = options.now ?? Date.now;
  const rooms = new Map<string, Room>();
  const lastSeqOfEvicted = new Map<string, number>();
  let closed = false;

  const assertOpen = () => {
    if (closed) throw new Error('The hub is closed.');
  };

  const deliver = (member: RoomMember, text: string) => {
    deliverToAll([member], createOutbound(text));
  };

  function deliverToAll(members: Iterable<RoomMember>, outbound: OutboundMessage) {
    for (const member of members) {
      try {
        member.deliver(outbound);
      } catch (error) {
        options.onDeliverError?.(error, member);
      }
    }
  }

  function* othersThan(room: Room, member: RoomMember) {
    for (const other of room.members) if (other !== member) yield other;
  }

  function openRoom(name: string): Room {
    const existing = rooms.get(name);
    if (existing !== undefined) {
      clearTimeout(existing.evictTimer);
      existing.evictTimer = undefined;
      return existing;
    }
    const room: Room = {
      name,
      seq: lastSeqOfEvicted.get(name) ?? 0,
      members: new Set(),
      history: createRoomHistory(retainedHistory),
      evictTimer: undefined,
    };
    lastSeqOfEvicted.delete(name);
    rooms.set(name, room);
    return room;
  }

  function evict(room: Room) {
    rooms.delete(room.name);
    if (room.seq > 0) lastSeqOfEvicted.set(room.name, room.seq);
  }

  function onEmpty(room: Room) {
    if (room.seq === 0 || emptyRoomTtlMs <= 0) {
      evict(room);
    } else if (Number.isFinite(emptyRoomTtlMs)) {
      room.evictTimer = setTimeout(() => evict(room), emptyRoomTtlMs);
      // A quiet room must not keep the process alive.
      room.evictTimer.unref();
    }
  }

  function historyFor(room: Room, since: number | undefined): HistorySlice {
    if (since === undefined)
      return { texts: room.history.latest(welcomeHistory), truncated: false };
    if (since > room.seq) return { texts: room.history.latest(welcomeHistory), truncated: true };
    return room.history.after(since, room.seq);
  }

  function memberOf(name: string, member: RoomMember): Room {
    const room = rooms.get(name);
    if (room === undefined || !room.members.has(member)) {
      throw new Error(`Member ${member.member.id} is not in room ${name}.`);
    }
    return room;
  }

  return {
    async join(member, name, since) {
      assertOpen();
      const room = openRoom(name);
      room.members.add(member);
      const history = historyFor(room, since);
      const fields: WelcomeFields = {
        room: name,
        self: member.member,
        members: [...room.members].map((each) => each.member),
        seq: room.seq,
        truncated: history.truncated,
      };
      deliver(member, serializeWelcome(fields, history.texts));
      deliverToAll(
        othersThan(room, member),
        createOutbound(serializePresence('join', member.member)),
      );
    },

    async say(member, name, id, text) {
      assertOpen();
      const room = memberOf(name, member);
      const original = room.history.find(member.client, id);
      if (original !== undefined) {
        deliver(member, original.text);
        return;
      }
      room.seq += 1;
      const serialized = serializeChatMessage({
        type: 'message',
        room: name,
        seq: room.seq,
        id,
        client: member.client,
        text,
        ts: now(),
        from: member.member,
      });
      room.history.append({ seq: room.seq, client: member.client, id, text: serialized });
      deliverToAll(room.members, createOutbound(serialized));
    },

    async leave(member, name) {
      const room = rooms.get(name);
      if (closed || room === undefined || !room.members.delete(member)) return;
      deliverToAll(room.members, createOutbound(serializePresence('leave', member.member)));
      if (room.members.size === 0) onEmpty(room);
    },

    async close() {
      closed = true;
      for (const room of rooms.values()) clearTimeout(room.evictTimer);
      rooms.clear();
      lastSeqOfEvicted.clear();
    },
  };
}
