/**
 * The hub: rooms, members, sequence numbers and history, and nothing about sockets.
 *
 * A hub hands every member ready-made outbound messages through `deliver`; the session behind
 * the member decides how to put them on its connection. The in-memory hub serves one process;
 * a Redis hub will implement the same interface to share rooms between processes, which is why
 * every method is async.
 *
 * Ordering rules every implementation keeps (docs/PROTOCOL.md, "Guarantees"):
 * - a room's `seq` starts at 1 and grows by exactly 1 per `message`, and never restarts while a
 *   client could still resume with `since`;
 * - the `welcome` is the first thing delivered to a member, before any `message` or `presence`;
 * - every member of a room receives the same messages in the same order;
 * - each message is serialized once and the same OutboundMessage goes to every member.
 */
import type { Member } from '@draftbridge/shared-types';

/** A serialized server message, ready to send. A PreparedMessage satisfies it. */
export interface OutboundMessage {
  /** The JSON text of the message. */
  readonly text: string;
}

/** Turns serialized JSON into the outbound object that every recipient shares. */
export type CreateOutbound = (text: string) => OutboundMessage;

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
  deliver(message: OutboundMessage): void;
}

/** Rooms, members, history and fan-out. */
export interface Hub {
  /**
   * Adds `member` to `room`: delivers `welcome` to the member itself, then `presence` join to
   * the others. With `since`, the welcome's history holds every retained message after it.
   */
  join(member: RoomMember, room: string, since?: number): Promise<void>;
  /**
   * Publishes a `say`: a new `(client, id)` becomes one `message` delivered to every member,
   * the sender included; a duplicate delivers the original `message` to the sender only.
   */
  say(member: RoomMember, room: string, id: string, text: string): Promise<void>;
  /** Removes `member` from `room` and delivers `presence` leave to the rest. */
  leave(member: RoomMember, room: string): Promise<void>;
  /** Drops every room and timer; the hub is unusable afterwards. */
  close(): Promise<void>;
}

/** The default CreateOutbound: a plain object around the text. */
export const createPlainOutbound: CreateOutbound = (text) => ({ text });
