/**
 * What crossed the server's side of WebSocket upgrades, for tests that check a client's own
 * account of its handshake against the server's.
 *
 * The request head is rebuilt from what Node's HTTP parser read (method, URL, version and the
 * raw header lines, in order): Node consumes the head inside its parser and never shows the
 * bytes, and a rebuilt head differs from the real one only in whitespace around header values,
 * which the kit's clients do not send. Everything after the head is recorded as read (`head`
 * and the socket's data), and everything the server wrote as written, at the socket's lowest
 * writing layer, so that the router's outbox and the engines' own writes are all seen.
 */
import type http from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/** One upgrade the server received. */
export interface CapturedUpgrade {
  readonly request: IncomingMessage;
  /** The request head, rebuilt line by line from the parsed request. */
  readonly requestHead: Buffer;
  /** Bytes read after the head, in order. */
  readonly received: Buffer[];
  /** Bytes the server wrote, in order. */
  readonly sent: Buffer[];
}

type Write = (chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error) => void) => void;
type Writev = (
  chunks: { chunk: Buffer | string; encoding: BufferEncoding }[],
  callback: (error?: Error) => void,
) => void;

// The lowest writing layer of a stream: `_write` and `_writev` (Node's stream implementer API).
interface StreamInternals {
  _write: Write;
  _writev?: Writev;
}

function rebuildHead(request: IncomingMessage): Buffer {
  const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    lines.push(`${request.rawHeaders[i]}: ${request.rawHeaders[i + 1]}`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/** Records every upgrade `server` receives from now on, before the router sees it; `stop()` ends it. */
export function captureUpgrades(server: http.Server): {
  readonly upgrades: CapturedUpgrade[];
  stop(): void;
} {
  const upgrades: CapturedUpgrade[] = [];
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const captured: CapturedUpgrade = {
      request,
      requestHead: rebuildHead(request),
      received: head.length > 0 ? [Buffer.from(head)] : [],
      sent: [],
    };
    upgrades.push(captured);
    socket.prependListener('data', (chunk: Buffer) => captured.received.push(Buffer.from(chunk)));
    const internals = socket as unknown as StreamInternals;
    const write = internals._write;
    internals._write = function (this: Duplex, chunk, encoding, callback) {
      captured.sent.push(Buffer.from(chunk));
      write.call(this, chunk, encoding, callback);
    };
    const writev = internals._writev;
    if (writev !== undefined) {
      internals._writev = function (this: Duplex, chunks, callback) {
        for (const { chunk, encoding } of chunks) {
          captured.sent.push(
            typeof chunk === 'string' ? Buffer.from(chunk, encoding) : Buffer.from(chunk),
          );
        }
        writev.call(this, chunks, callback);
      };
    }
  };
  server.prependListener('upgrade', onUpgrade);
  return { upgrades, stop: () => server.off('upgrade', onUpgrade) };
}
