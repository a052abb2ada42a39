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

const corked = new Set<Socket>();
let flushScheduled = false;

function flushAll(): void {
  flushScheduled = false;
  for (const socket of corked) socket.uncork();
  corked.clear();
}

/** Writes bytes to a socket, batched with every other write to it in this event-loop turn. */
export function writeBatched(socket: Socket, bytes: Buffer): boolean {
  if (socket.destroyed || !socket.writable) return false;
  if (!corked.has(socket)) {
    socket.cork();
    corked.add(socket);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flushAll);
    }
  }
  socket.write(bytes);
  return true;
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
