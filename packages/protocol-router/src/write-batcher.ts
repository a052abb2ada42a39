/**
 * One write system call per socket per event-loop turn.
 *
 * Design note. A broadcast server spends most of its CPU in the kernel's write call, one per
 * recipient per message, and the rest largely in stream bookkeeping, one `socket.write()` per
 * frame. So chat frames are not written as they are sent: each socket collects the frames of
 * the current turn in a list (the frames themselves are shared by every recipient, see
 * PreparedMessage), and once per turn, in `setImmediate`, every list is written as one buffer:
 * a burst of N messages costs each recipient one `write()` and one system call.
 *
 * Engines write their own frames (close, ping, pong, the handshake) straight to the socket. To
 * keep their order against chat frames, `guardSocket` makes the socket's own `write`, `end` and
 * `destroy` hand the pending list to the kernel first: a control frame can never overtake a
 * chat frame sent before it, never land inside one, and a socket an engine destroys (WebSocket-
 * Node's `drop()`, faye-websocket's `_beginClose`) sends what was queued before it goes.
 */
import { Socket } from 'node:net';

interface Batch {
  readonly frames: Buffer[];
  bytes: number;
}

type Write = Socket['write'];

const batches = new Map<Socket, Batch>();
let flushScheduled = false;

function flushBatch(socket: Socket, batch: Batch): void {
  batches.delete(socket);
  if (socket.destroyed || !socket.writable) return;
  const [only] = batch.frames;
  const data =
    batch.frames.length === 1 && only !== undefined
      ? only
      : Buffer.concat(batch.frames, batch.bytes);
  // The socket's own write: the guarded one would come back here.
  Socket.prototype.write.call(socket, data);
}

function flushAll(): void {
  flushScheduled = false;
  for (const [socket, batch] of batches) flushBatch(socket, batch);
}

/** Queues one frame for a socket; every frame queued in this turn goes out in one write. */
export function writeBatched(socket: Socket, frame: Buffer): boolean {
  if (socket.destroyed || !socket.writable) return false;
  const batch = batches.get(socket);
  if (batch === undefined) {
    batches.set(socket, { frames: [frame], bytes: frame.length });
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushAll);
    }
  } else {
    batch.frames.push(frame);
    batch.bytes += frame.length;
  }
  return true;
}

/** Hands a socket's queued frames to the socket now. */
function flushSocket(socket: Socket): void {
  const batch = batches.get(socket);
  if (batch !== undefined) flushBatch(socket, batch);
}

// Shared by every guarded socket, so guarding costs no closure per connection.
function writeAfterFlush(this: Socket, ...args: Parameters<Write>): boolean {
  flushSocket(this);
  return (Socket.prototype.write as (...a: Parameters<Write>) => boolean).apply(this, args);
}

function endAfterFlush(this: Socket, ...args: Parameters<Socket['end']>): Socket {
  flushSocket(this);
  return (Socket.prototype.end as (...a: Parameters<Socket['end']>) => Socket).apply(this, args);
}

function destroyAfterFlush(this: Socket, error?: Error): Socket {
  flushSocket(this);
  return Socket.prototype.destroy.call(this, error);
}

/** Makes every other `write`, `end` and `destroy` of the socket flush the queued frames first. */
export function guardSocket(socket: Socket): void {
  socket.write = writeAfterFlush as Write;
  socket.end = endAfterFlush as Socket['end'];
  socket.destroy = destroyAfterFlush;
}
