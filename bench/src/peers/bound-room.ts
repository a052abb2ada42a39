/**
 * A room of the same-work bound (bound-peer.ts): its members with their frame family, and the
 * frames of the current turn, framed once per family. `writeRoom` writes every member the one
 * buffer of its family's frames: one write per member per turn.
 */

/** The two frame families: RFC 6455 (and hybi) frames, and the hixie drafts' 0x00 ... 0xFF. */
export type Family = 'hybi' | 'hixie';

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
  /** This turn's frames, per family; emptied when the turn is written. */
  hybiFrames: Buffer[];
  hixieFrames: Buffer[];
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
    hybiFrames: [],
    hixieFrames: [],
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

// The one buffer every member of a family is written this turn, or undefined where each frame
// is written by itself.
function joinFrames(frames: readonly Buffer[], options: WriteOptions): Buffer | undefined {
  if (frames.length === 1) return frames[0];
  return options.eachFrame ? undefined : Buffer.concat(frames);
}

function writeTurn(socket: TurnSocket, frames: readonly Buffer[], bytes: Buffer | undefined): void {
  if (frames.length === 0 || !socket.writable) return;
  if (bytes !== undefined) {
    socket.write(bytes);
    return;
  }
  socket.cork();
  for (const frame of frames) socket.write(frame);
  socket.uncork();
}

/** Writes the turn's frames to every member and empties them. */
export function writeRoom<S extends TurnSocket>(room: BoundRoom<S>, options: WriteOptions): void {
  const { hybiFrames, hixieFrames } = room;
  room.hybiFrames = [];
  room.hixieFrames = [];
  const hybi = hybiFrames.length > 0 ? joinFrames(hybiFrames, options) : undefined;
  const hixie = hixieFrames.length > 0 ? joinFrames(hixieFrames, options) : undefined;
  if (options.byFamily) {
    for (const [socket, family] of room.members) {
      if (family === 'hybi') writeTurn(socket, hybiFrames, hybi);
    }
    for (const [socket, family] of room.members) {
      if (family === 'hixie') writeTurn(socket, hixieFrames, hixie);
    }
    return;
  }
  for (const [socket, family] of room.members) {
    if (family === 'hybi') writeTurn(socket, hybiFrames, hybi);
    else writeTurn(socket, hixieFrames, hixie);
  }
}
