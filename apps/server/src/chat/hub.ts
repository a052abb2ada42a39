/**
 * The hub: rooms, members, sequence numbers and history, and nothing about sockets.
 *
 * A hub hands every member ready-made frames through `deliver`: one PreparedMessage per
 * server message, framed at most once per protocol family however many members receive it.
 * The in-memory hub (memory-hub.ts) serves one process; the Redis hub (redis/) shares rooms
 * between processes, which is why every method is async.
 *
 * Ordering rules every implementation keeps (docs/PROTOCOL.md, "Guarantees"):
 * - a room's `seq` starts at 1 and grows by exactly 1 per `message`, and never restarts while a
 *   client could still resume with `since`;
 * - the `welcome` is the first thing delivered to a member, before any `message` or `presence`;
 * - every member of a room receives the same messages in the same order;
 * - a member hears of a presence change only if its welcome did not already show it, and the
 *   presence of a member that joined is delivered before any message it sent;
 * - each message is serialized once and the same PreparedMessage goes to every member.
 */
import type { PreparedBatch, PreparedMessage } from '@draftbridge/protocol-router';
import type { Member } from '@draftbridge/shared-types';

/** What a delivery is, so a session or a test can tell without parsing it. */
export type DeliveryKind = 'welcome' | 'message' | 'presence' | 'history' | 'duplicate';

/** One server message handed to one member. */
export interface Delivery {
  readonly kind: DeliveryKind;
  /** The frames, shared by every member it goes to. */
  readonly message: PreparedMessage;
}

/** A member of a room as the hub sees it: who it is and where its messages go. */
export interface RoomMember {
  /** The member as the wire shows it. */
  readonly member: Member;
  /** The `client` id given in `join`, for dedupe of `(client, id)`. */
  readonly client: string;
  /**
   * Hands one message to this member. Must not throw, wait for the network or call back into
   * the hub before returning: the hub may be in the middle of a broadcast.
   */
  deliver(delivery: Delivery): void;
  /**
   * Hands several `message`s at once, in order, as `deliver` would one by one, with the same
   * rules. A hub may use it for the messages of one turn; a member without it gets `deliver`.
   */
  deliverBatch?(batch: PreparedBatch): void;
}

/** A call the hub cannot take now, or not from this member; `code` is a wire error code. */
export class HubRefusal extends Error {
  readonly code: 'unavailable' | 'room_full';

  constructor(code: HubRefusal['code'], message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HubRefusal';
    this.code = code;
  }
}

/** The hub's store cannot be reached (Redis is down): the call was not carried out. */
export class HubUnavailableError extends HubRefusal {
  constructor(cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super('unavailable', `The chat store is unavailable: ${why}`, { cause });
    this.name = 'HubUnavailableError';
  }
}

/** The options every hub takes, each with a default (docs/PROTOCOL.md, "Limits and defaults"). */
export interface HubOptions {
  /** Messages retained per room (default 1000). */
  readonly retainedHistory?: number;
  /** Latest messages in a `welcome` without `since` (default 50). */
  readonly welcomeHistory?: number;
  /** Most bytes of history in one `welcome` or `history` answer (default 256 KiB). */
  readonly historyPageBytes?: number;
  /** Most members in one room, on every instance together (default 2000). */
  readonly maxRoomMembers?: number;
  /** How long presence changes wait to go out together, in ms (default 100). */
  readonly presenceWindowMs?: number;
  /** The clock for `ts`, in ms since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** Told when a member's `deliver` throws; the others are delivered to regardless. */
  readonly onDeliverError?: (error: unknown, member: RoomMember) => void;
}

/** Rooms, members, history and fan-out. */
export interface Hub {
  /**
   * Adds `member` to `room`: delivers `welcome` to the member itself, then `presence` join to
   * the others. With `since`, the welcome's history holds the retained messages after it, as
   * many of the newest as fit one history page; `truncated` says when some are missing.
   * Rejects with a HubRefusal `room_full` when the room has its most members.
   */
  join(member: RoomMember, room: string, since?: number): Promise<void>;
  /**
   * Publishes a `say`: a new `(client, id)` becomes one `message` delivered to every member,
   * the sender included; a duplicate delivers the original `message` to the sender only.
   * A hub done before it returns may return nothing (no promise per message on the hot path);
   * a refusal is a rejected promise either way.
   */
  say(member: RoomMember, room: string, id: string, text: string): Promise<void> | undefined;
  /** Delivers to `member` one `history` page: retained messages before `before`, newest first to fit. */
  history(member: RoomMember, room: string, before: number): Promise<void>;
  /** Removes `member` from `room` and delivers `presence` leave to the rest. */
  leave(member: RoomMember, room: string): Promise<void>;
  /** Whether the hub's store is reachable; a hub in memory always is. */
  health?(): Promise<{ ok: boolean; detail?: string }>;
  /** Drops every room and timer; the hub is unusable afterwards. */
  close(): Promise<void>;
}
