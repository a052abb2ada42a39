/**
 * A room of the same-work bound (bound-peer.ts): its members with their frame family, and the
 * messages of the current turn. `writeRoom` frames the turn once per family with the router's
 * `PreparedBatch`, as draftbridge's rooms do (every text written straight into one buffer
 * behind its header: no payload buffer, no frame to copy from, no concatenation), and writes
 * every member the one buffer of its family: one write per member per turn.
 */
import { type FrameFamily, PreparedBatch, PreparedMessage } from '@draftbridge/protocol-router';

/** The two frame families: RFC 6455 (and hybi) frames, and the hixie drafts' 0x00 ... 0xFF. */
export type Family = FrameFamily;

/** What a room writes to: a net.Socket, or anything with its four members. */
export interface TurnSocket {
  readonly writable: boolean;
  write(bytes: Buffer): boolean;
  cork(): void;
  uncork(): void;
}

export interface BoundRoom<S extends TurnSocket = TurnSocket> {
  readonly name: string;
  seq: number;
  /** Every member with its family, in the order they joined (a Map keeps insertion order). */
  readonly members: Map<S, Family>;
  hybiCount: number;
  hixieCount: number;
  /** This turn's messages; emptied when the turn is written. */
  messages: PreparedMessage[];
  /** Whether the room is in the current turn's list already. */
  queued: boolean;
}

export interface WriteOptions {
  /** Each frame its own write() on a corked socket, as draftbridge's outbox writes a run. */
  readonly eachFrame: boolean;
  /** Every RFC 6455 member before any hixie-76 one, instead of the order they joined in. */
  readonly byFamily: boolean;
}

export function createBoundRoom<S extends TurnSocket>(name: string): BoundRoom<S> {
  return {
    name,
    seq: 0,
    members: new Map(),
    hybiCount: 0,
    hixieCount: 0,
    messages: [],
    queued: false,
  };
}

export function addMember<S extends TurnSocket>(
  room: BoundRoom<S>,
  socket: S,
  family: Family,
): void {
  if (room.members.has(socket)) return;
  room.members.set(socket, family);
  if (family === 'hybi') room.hybiCount += 1;
  else room.hixieCount += 1;
}

export function removeMember<S extends TurnSocket>(room: BoundRoom<S>, socket: S): void {
  const family = room.members.get(socket);
  if (family === undefined) return;
  room.members.delete(socket);
  if (family === 'hybi') room.hybiCount -= 1;
  else room.hixieCount -= 1;
}

/** Adds a text to the room's turn. */
export function addText<S extends TurnSocket>(room: BoundRoom<S>, text: string): void {
  room.messages.push(new PreparedMessage(text));
}

// What one member of a family is written: the run's one buffer, or each frame by itself.
function turnWrites(
  batch: PreparedBatch,
  family: Family,
  options: WriteOptions,
): readonly Buffer[] {
  const run = batch.run(family);
  return options.eachFrame ? run.frames : [run.joined];
}

function writeTurn(socket: TurnSocket, writes: readonly Buffer[]): void {
  if (!socket.writable) return;
  const [only] = writes;
  if (writes.length === 1 && only !== undefined) {
    socket.write(only);
    return;
  }
  socket.cork();
  for (const frame of writes) socket.write(frame);
  socket.uncork();
}

/** Writes the turn's frames to every member and empties the turn. */
export function writeRoom<S extends TurnSocket>(room: BoundRoom<S>, options: WriteOptions): void {
  const { messages } = room;
  room.messages = [];
  if (messages.length === 0) return;
  const batch = new PreparedBatch(messages);
  const hybi = room.hybiCount > 0 ? turnWrites(batch, 'hybi', options) : [];
  const hixie = room.hixieCount > 0 ? turnWrites(batch, 'hixie', options) : [];
  if (options.byFamily) {
    for (const [socket, family] of room.members) {
      if (family === 'hybi') writeTurn(socket, hybi);
    }
    for (const [socket, family] of room.members) {
      if (family === 'hixie') writeTurn(socket, hixie);
    }
    return;
  }
  for (const [socket, family] of room.members) writeTurn(socket, family === 'hybi' ? hybi : hixie);
}
