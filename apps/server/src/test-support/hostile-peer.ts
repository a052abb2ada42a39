/**
 * Raw TCP peers for the hardening tests: exact request heads, hand-made frames of every
 * protocol, and the answer a refused or abused socket gets, with how long the close took.
 * A library client would fix what these tests mean to send broken.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';

/** The 8-byte key3 body of the draft-76 example used by the heads below. */
export const HIXIE76_KEY3 = Buffer.from('^n:ds[4U', 'latin1');

/** A connected raw socket and what it has received. */
export interface RawPeer {
  readonly socket: net.Socket;
  /** Every byte received so far. */
  received(): Buffer;
  /** Resolves once `predicate(received)` holds; rejects after `timeoutMs`. */
  waitFor(predicate: (data: Buffer) => boolean, timeoutMs?: number): Promise<Buffer>;
  /** Resolves with the ms from the call until the socket closed; rejects after `timeoutMs`. */
  closed(timeoutMs?: number): Promise<number>;
  /** True once the socket is closed. */
  readonly isClosed: boolean;
}

/** Opens a raw connection to 127.0.0.1:port and writes `bytes`, if any. */
export function openRaw(port: number, bytes?: string | Buffer): Promise<RawPeer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let isClosed = false;
    const waiters = new Set<() => void>();
    const notify = () => {
      for (const waiter of [...waiters]) waiter();
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      notify();
    });
    socket.on('close', () => {
      isClosed = true;
      notify();
    });
    const received = () => Buffer.concat(chunks);
    const waitUntil = <T>(check: () => T | undefined, timeoutMs: number, what: string) =>
      new Promise<T>((done, fail) => {
        const attempt = () => {
          const value = check();
          if (value === undefined) return;
          waiters.delete(attempt);
          clearTimeout(timer);
          done(value);
        };
        const timer = setTimeout(() => {
          waiters.delete(attempt);
          const got = received().subarray(0, 200).toString('latin1');
          fail(new Error(`timed out waiting for ${what}; got ${JSON.stringify(got)}`));
        }, timeoutMs);
        waiters.add(attempt);
        attempt();
      });
    socket.once('error', (error) => {
      socket.on('error', () => {});
      reject(error);
    });
    socket.once('connect', () => {
      socket.on('error', () => {});
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
  bytes: string | Buffer,
  timeoutMs = 3000,
): Promise<RawAnswer> {
  const peer = await openRaw(port, bytes);
  try {
    const closedWithin = await peer.closed(timeoutMs);
    return { answer: peer.received().toString('latin1'), closedWithin };
  } finally {
    peer.socket.destroy();
  }
}

/** An HTTP/1.1 GET head from a target and ordered header pairs (duplicates allowed). */
export function requestHead(target: string, headers: readonly (readonly [string, string])[]) {
  const lines = [`GET ${target} HTTP/1.1`, ...headers.map(([name, value]) => `${name}: ${value}`)];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A valid RFC 6455 (or hybi-07/08 with `version`) upgrade head to `/ws`. */
export function rfc6455Head(port: number, version = '13', target = '/ws'): string {
  return requestHead(target, [
    ['Host', `127.0.0.1:${port}`],
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', randomBytes(16).toString('base64')],
    ['Sec-WebSocket-Version', version],
  ]);
}

/** A valid hixie-76 head with the draft's example keys; its key3 is HIXIE76_KEY3. */
export function hixie76Head(port: number, target = '/ws'): string {
  return requestHead(target, [
    ['Host', `127.0.0.1:${port}`],
    ['Upgrade', 'WebSocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key1', '4 @1  46546xW%0l 1 5'],
    ['Sec-WebSocket-Key2', '12998 5 Y3 1  .P00'],
  ]);
}

/** A valid hixie-75 head. */
export function hixie75Head(port: number, target = '/ws'): string {
  return requestHead(target, [
    ['Host', `127.0.0.1:${port}`],
    ['Upgrade', 'WebSocket'],
    ['Connection', 'Upgrade'],
  ]);
}

/** The index just past the blank line that ends an HTTP response head, or -1. */
export function endOfHead(data: Buffer): number {
  const index = data.indexOf('\r\n\r\n');
  return index === -1 ? -1 : index + 4;
}

/** Options of a hand-made hybi frame (RFC 6455 §5.2). */
export interface FrameOptions {
  readonly fin?: boolean;
  /** RSV1-3 as a 3-bit number. */
  readonly rsv?: number;
  /** False sends the frame unmasked, which a server must refuse (§5.1). */
  readonly masked?: boolean;
}

/** One hybi frame with any opcode, reserved bits and masking. */
export function hybiFrame(opcode: number, payload: Buffer, options: FrameOptions = {}): Buffer {
  const { fin = true, rsv = 0, masked = true } = options;
  const length = payload.length;
  const header = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const maskBytes = masked ? 4 : 0;
  const frame = Buffer.alloc(header + maskBytes + length);
  frame[0] = (fin ? 0x80 : 0) | ((rsv & 0b111) << 4) | (opcode & 0x0f);
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) frame[1] = maskBit | length;
  else if (length < 0x10000) {
    frame[1] = maskBit | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = maskBit | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = masked ? randomBytes(4) : Buffer.alloc(4);
  if (masked) mask.copy(frame, header);
  for (let i = 0; i < length; i += 1) {
    frame[header + maskBytes + i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
  }
  return frame;
}

/** A hixie text frame: `0x00`, the bytes, `0xFF` (draft-hixie-76 §5.3). */
export function hixieFrame(payload: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from([0x00]), Buffer.from(payload), Buffer.from([0xff])]);
}
