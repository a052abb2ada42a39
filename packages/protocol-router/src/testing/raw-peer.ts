/**
 * A raw TCP peer: write exact bytes, collect every byte that comes back, wait for a condition
 * or for the close. For tests where a library client would hide or fix the wire.
 */
import net from 'node:net';
import { createWaitList } from './wait-list.js';

/** A connected raw socket and what it has received. */
export interface RawPeer {
  readonly socket: net.Socket;
  /** Every byte received so far. */
  received(): Buffer;
  /** Resolves once `predicate(received)` holds; rejects after `timeoutMs` (default 3000). */
  waitFor(predicate: (data: Buffer) => boolean, timeoutMs?: number): Promise<Buffer>;
  /** Resolves with the ms from the call until the socket closed; rejects after `timeoutMs`. */
  closed(timeoutMs?: number): Promise<number>;
  /** True once the socket is closed. */
  readonly isClosed: boolean;
  /**
   * How the server ended the connection so far: by its FIN (`end`), by a reset (at any point,
   * even after a FIN: a write that meets one fails), or not yet (`open`).
   */
  ending(): 'end' | 'reset' | 'open';
}

/** Options of `connectRaw`. */
export interface RawPeerOptions {
  /**
   * Keep this side open after the server's FIN, as a client that is still sending would: its
   * later writes then show whether the server answered them with a reset.
   */
  readonly allowHalfOpen?: boolean;
}

/** Opens a raw connection to 127.0.0.1:`port` and writes `bytes`, if any. */
export function connectRaw(
  port: number,
  bytes?: string | Uint8Array,
  options: RawPeerOptions = {},
): Promise<RawPeer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({
      port,
      host: '127.0.0.1',
      allowHalfOpen: options.allowHalfOpen ?? false,
    });
    const chunks: Buffer[] = [];
    let isClosed = false;
    let ending: 'end' | 'reset' | 'open' = 'open';
    const waiters = createWaitList();
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      waiters.notify();
    });
    socket.on('end', () => {
      if (ending === 'open') ending = 'end';
      waiters.notify();
    });
    socket.on('close', () => {
      isClosed = true;
      waiters.notify();
    });
    const received = () => Buffer.concat(chunks);
    const waitUntil = <T>(check: () => T | undefined, timeoutMs: number, what: string) =>
      waiters.until(check, timeoutMs, () => {
        const got = received().subarray(0, 200).toString('latin1');
        return `timed out waiting for ${what}; got ${JSON.stringify(got)}`;
      });
    socket.once('error', (error) => {
      socket.on('error', () => {});
      reject(error);
    });
    socket.once('connect', () => {
      // Resets from a server that refuses or drops the peer are what these tests look at.
      socket.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'ECONNRESET' || error.code === 'EPIPE') ending = 'reset';
        waiters.notify();
      });
      if (bytes !== undefined) socket.write(bytes);
      resolve({
        socket,
        received,
        get isClosed() {
          return isClosed;
        },
        waitFor: (predicate, timeoutMs = 3000) =>
          waitUntil(() => (predicate(received()) ? received() : undefined), timeoutMs, 'bytes'),
        closed: (timeoutMs = 3000) => {
          const start = Date.now();
          return waitUntil(() => (isClosed ? Date.now() - start : undefined), timeoutMs, 'close');
        },
        ending: () => ending,
      });
    });
  });
}

/** What a refused (or dropped) upgrade got back. */
export interface RawAnswer {
  /** Every byte received, as latin1. */
  readonly answer: string;
  /** Ms from the end of writing until the server closed the socket. */
  readonly closedWithin: number;
}

/** Writes `bytes` on a fresh socket and waits for the server to close it. */
export async function rawUpgrade(
  port: number,
  bytes: string | Uint8Array,
  timeoutMs = 3000,
): Promise<RawAnswer> {
  const peer = await connectRaw(port, bytes);
  try {
    const closedWithin = await peer.closed(timeoutMs);
    return { answer: peer.received().toString('latin1'), closedWithin };
  } finally {
    peer.socket.destroy();
  }
}

/** The index just past the blank line that ends an HTTP response head, or -1. */
export function endOfHead(data: Buffer): number {
  const index = data.indexOf('\r\n\r\n');
  return index === -1 ? -1 : index + 4;
}
