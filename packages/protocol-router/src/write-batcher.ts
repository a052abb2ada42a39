/**
 * One write system call per socket per event-loop turn.
 *
 * Design note. A broadcast server spends most of its CPU in the kernel's write call, one per
 * recipient per message. Corking a socket on its first write of a turn and uncorking every
 * corked socket once, in `setImmediate`, turns a burst of N messages into one `writev` per
 * recipient. Engine writes (close, ping, pong frames) pass through the same corked socket, so
 * their order against chat frames never changes and a control frame never lands inside one.
 * The one hazard is an engine destroying a socket while it is corked (WebSocket-Node's
 * `drop()`, faye-websocket's `_beginClose`): corked bytes, its own close frame among them,
 * would be thrown away. `guardDestroy` flushes first.
 */
import type { Socket } from 'node:net';

// Corked sockets and the bytes batched on each this turn.
const corked = new Map<Socket, number>();
let flushScheduled = false;

function flushAll(): void {
  flushScheduled = false;
  for (const socket of corked.keys()) socket.uncork();
  corked.clear();
}

/** Writes bytes to a socket, batched with every other write to it in this event-loop turn. */
export function writeBatched(socket: Socket, bytes: Buffer): boolean {
  if (socket.destroyed || !socket.writable) return false;
  const batched = corked.get(socket);
  if (batched === undefined) {
    socket.cork();
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushAll);
    }
  }
  corked.set(socket, (batched ?? 0) + bytes.length);
  socket.write(bytes);
  return true;
}

/**
 * Bytes batched for a socket in this turn and not yet handed to the kernel. They are not a
 * backlog: a reader is slow only if bytes are still queued after the batch is flushed.
 */
export function batchedBytes(socket: Socket): number {
  return corked.get(socket) ?? 0;
}

/** Hands a socket's batched bytes to the kernel now. */
export function flushSocket(socket: Socket): void {
  if (corked.delete(socket)) socket.uncork();
}

/** Makes `socket.destroy()` flush batched bytes first, whoever calls it. */
export function guardDestroy(socket: Socket): void {
  const destroy = socket.destroy;
  socket.destroy = function destroyAfterFlush(this: Socket, error?: Error) {
    flushSocket(this);
    return destroy.call(this, error);
  };
}
