/**
 * A raw TCP peer for tests: write exact bytes, collect every byte that comes back, wait for
 * a condition or for the close. Used where a library client would hide the wire.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';

/** A connected raw socket and what it has received. */
export interface RawPeer {
  readonly socket: net.Socket;
  /** Every byte received so far. */
  received(): Buffer;
  /** Resolves once `predicate(received)` holds; rejects after `timeoutMs`. */
  waitFor(predicate: (data: Buffer) => boolean, timeoutMs?: number): Promise<Buffer>;
  /** Resolves when the socket closes, with how long it took from the call. */
  closed(timeoutMs?: number): Promise<number>;
  /** How the server ended the connection so far: its FIN (`end`), a reset (at any point, even after a FIN), or not yet. */
  ending(): 'end' | 'reset' | 'open';
}

/**
 * Opens a raw connection to 127.0.0.1:port. With `allowHalfOpen` the peer keeps its side open
 * after the server's FIN, as a client still sending would, and its writes show a reset.
 */
export function connectRaw(
  port: number,
  options: { allowHalfOpen?: boolean } = {},
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
    const waiters = new Set<() => void>();
    const notify = () => {
      for (const waiter of waiters) waiter();
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      notify();
    });
    socket.on('end', () => {
      if (ending === 'open') ending = 'end';
      notify();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') ending = 'reset';
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
          fail(new Error(`timed out waiting for ${what}; got ${received().toString('latin1')}`));
        }, timeoutMs);
        waiters.add(attempt);
        attempt();
      });
    socket.once('connect', () =>
      resolve({
        socket,
        received,
        waitFor: (predicate, timeoutMs = 3000) =>
          waitUntil(() => (predicate(received()) ? received() : undefined), timeoutMs, 'bytes'),
        closed: (timeoutMs = 3000) => {
          const start = Date.now();
          return waitUntil(() => (isClosed ? Date.now() - start : undefined), timeoutMs, 'close');
        },
        ending: () => ending,
      }),
    );
    socket.once('error', reject);
  });
}

/** Builds an HTTP request head from a request line and headers. */
export function requestHead(target: string, headers: Record<string, string>): string {
  const lines = [
    `GET ${target} HTTP/1.1`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** A masked client frame (RFC 6455 §5.2); `opcode` 1 text, 2 binary, 8 close. */
export function maskedFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const mask = randomBytes(4);
  const length = payload.length;
  const header = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const frame = Buffer.alloc(header + 4 + length);
  frame[0] = (fin ? 0x80 : 0) | opcode;
  if (length < 126) frame[1] = 0x80 | length;
  else if (length < 0x10000) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  mask.copy(frame, header);
  for (let i = 0; i < length; i += 1) {
    frame[header + 4 + i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
  }
  return frame;
}

/** The index just past the blank line that ends an HTTP response head, or -1. */
export function endOfHead(data: Buffer): number {
  const index = data.indexOf('\r\n\r\n');
  return index === -1 ? -1 : index + 4;
}
