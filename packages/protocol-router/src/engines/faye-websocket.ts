/**
 * faye-websocket serves hybi-07, hixie-76 and hixie-75 (and any protocol forced onto it with
 * `?engine=faye-websocket`).
 *
 * Handshakes and closing are faye's (through websocket-driver 0.7.4, which the root
 * package.json pins: 0.8 serves the drafts only with `allowDrafts`, which faye never passes).
 * websocket-driver serves hybi at version 13 only, but hybi-07 and hybi-08 frame and compute
 * Sec-WebSocket-Accept exactly as 13 does, so the driver is shown a request whose version reads
 * 13 while the chat is told the truth. faye's public `close()` takes only 1000 and 3000-4999,
 * so 1001, 1008 and 1009 go through the driver, which also does the drafts' closing: `0xFF 0x00`
 * on hixie-76 (draft-hixie-76 §5.3), a plain TCP close on hixie-75.
 *
 * Reading is the adapter's, so that both engines keep one rule (message-assembler.ts,
 * websocket-node.ts): on hybi the driver still parses frame headers, but every complete frame
 * comes here first; data frames are assembled by the shared MessageAssembler, pings answered
 * through the outbox, unmasked frames closed with 1002 (§5.1; the driver would say 1003) and
 * forbidden close codes with 1002. On the drafts every byte after the handshake is read by
 * hixie-reader.ts (why: see there) and its text goes straight to the connection; text that is
 * not UTF-8 closes the connection with the draft's closing handshake, as 1007 does on hybi.
 *
 * faye's own ping timer is off: the router's idle sweep pings quiet hybi connections with one
 * timer for all (engine-connection.ts). The functions the adapter puts on the driver and on
 * faye's socket object are shared by every connection and find theirs through a symbol.
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { TextDecoder } from 'node:util';
import FayeWebSocket from 'faye-websocket';
import type { Accepted } from '../classify.js';
import { CLOSE_CODES } from '../connection.js';
import { DRAFT76_KEY3_LENGTH } from '../hixie/draft76-key.js';
import type { Protocol } from '../protocols.js';
import type { AcceptCallbacks, EngineAdapter, EngineContext } from './engine.js';
import { EngineConnection } from './engine-connection.js';
import { type HixieReaderEvents, type HixieReaderStop, HixieServerReader } from './hixie-reader.js';
import {
  isValidCloseCode,
  OPCODE_BINARY,
  OPCODE_CONTINUATION,
  OPCODE_TEXT,
} from './message-assembler.js';

type HybiDriver = FayeWebSocket['_driver'];

const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;

// The driver knows 1000-1003 and 1007-1011; 1012-1014 are valid too (message-assembler.ts).
const CLOSE_CODES_ACCEPTED: readonly number[] = [
  1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014,
];

const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true });

// websocket-driver builds the drafts' location header from `Host` and from whether it thinks
// the request came over TLS (`Server.isSecureRequest`: a TLS socket, or `X-Forwarded-Proto:
// https`, `X-Forwarded-Ssl: on`, `X-Forwarded-Scheme: https`, `Https: on` from anyone). It is
// shown the public host, and one of those headers exactly when a trusted proxy said https.
const SECURE_HINTS = ['https', 'x-forwarded-ssl', 'x-forwarded-scheme', 'x-forwarded-proto'];

// The driver reads the request's `headers`, `method`, `url`, `socket` and `connection`: it is
// shown an object of those, with other headers, and the original is left alone. (A child of the
// request made with Object.create would turn every request into a prototype, which costs V8 a
// map of its own per request.) hybi-07 and -08 are shown as version 13 (see the design note).
function requestForDriver(request: IncomingMessage, decision: Accepted): IncomingMessage {
  const headers: IncomingHttpHeaders = { ...request.headers };
  for (const name of SECURE_HINTS) delete headers[name];
  const { host, scheme } = decision.forwarding;
  if (host !== undefined) headers.host = host;
  if (scheme === 'https') headers['x-forwarded-proto'] = 'https';
  if (!isDraft(decision.protocol)) headers['sec-websocket-version'] = '13';
  const { method, url, socket } = request;
  return { headers, method, url, socket, connection: socket } as unknown as IncomingMessage;
}

function unmask(payload: Buffer, key: Buffer | undefined): Buffer {
  if (key === undefined) return payload;
  for (let i = 0; i < payload.length; i += 1) {
    payload[i] = (payload[i] as number) ^ (key[i & 3] as number);
  }
  return payload;
}

function isValidCloseReason(payload: Buffer): boolean {
  if (payload.length <= 2) return true;
  try {
    UTF8_STRICT.decode(payload.subarray(2));
    return true;
  } catch {
    return false;
  }
}

function isDraft(protocol: Protocol): protocol is 'hixie-76' | 'hixie-75' {
  return protocol === 'hixie-76' || protocol === 'hixie-75';
}

const kConnection = Symbol('draftbridge.connection');

const SMALLEST_MASKED_FRAME_BYTES = 6;

type Driver = HybiDriver & {
  [kConnection]: FayeConnection;
  start(): boolean;
  /** draft-76's key3 bytes as gathered so far (websocket-driver's Draft76). */
  _body: readonly number[];
};
type Library = FayeWebSocket & { [kConnection]: FayeConnection };

// The driver's own methods, reached through its prototype under the ones put on it here.
type DriverMethods = Pick<Driver, 'parse' | '_emitFrame' | 'start'>;
function driverMethods(driver: Driver): DriverMethods {
  return Object.getPrototypeOf(driver) as DriverMethods;
}

interface LibraryCloseEvent {
  readonly code: number | null | undefined;
  readonly reason: string | null | undefined;
}

const FAIL_TYPES = new Map<number, Parameters<HybiDriver['_fail']>[0]>([
  [CLOSE_CODES.invalidPayload, 'encoding_error'],
  [CLOSE_CODES.messageTooBig, 'too_large'],
  [CLOSE_CODES.policyViolation, 'policy_violation'],
]);

class FayeConnection extends EngineConnection implements HixieReaderEvents {
  readonly #library: Library;
  readonly #driver: Driver;
  readonly #socket: Socket;
  // 75 or 76 on the drafts, 0 on hybi.
  readonly #draft: 0 | 75 | 76;
  // The drafts' reader, made by the first byte after the handshake.
  #reader: HixieServerReader | undefined;
  readonly #maxMessageBytes: number;
  // Held only until the outcome is known, so an open connection does not keep the router's
  // handshake state (request, head, the parsed URL) alive for its whole life.
  #pending: AcceptCallbacks | undefined;

  constructor(context: EngineContext, library: FayeWebSocket, callbacks: AcceptCallbacks) {
    super(context);
    const { protocol } = context.decision;
    this.#library = library as Library;
    this.#driver = library._driver as Driver;
    this.#socket = context.socket;
    this.#draft = protocol === 'hixie-76' ? 76 : protocol === 'hixie-75' ? 75 : 0;
    this.#maxMessageBytes = context.limits.maxMessageBytes;
    this.#pending = callbacks;
    this.#library[kConnection] = this;
    this.#driver[kConnection] = this;
  }

  protected closeEngine(code: number, reason: string): void {
    // WebSocket-Node half-closes right after its Close (its sendCloseFrame ends the socket);
    // the hybi driver keeps its side open until the peer's Close, so a peer that does not
    // answer saw no end until the close timeout destroyed the socket, its unread bytes then
    // turning the end into a reset. One rule: our FIN follows our Close at once (RFC 6455
    // §5.5.1: nothing is sent after a Close), and reading goes on.
    if (this.#driver.close(reason, code) && this.#draft === 0) this.#socket.end();
  }

  protected failEngine(code: number, reason: string): void {
    this.#driver._fail(FAIL_TYPES.get(code) ?? 'protocol_error', reason);
  }

  protected engineBuffered(): number {
    return this.#library.bufferedAmount;
  }

  protected consumeInput(bytes: Buffer, maxFrames: number): number {
    if (this.#draft === 0) {
      // The driver parses all it is handed: a slice of k masked frames' worth (RFC 6455 §5.3:
      // 2 header bytes and a 4-byte key at least) completes at most k frames, a partial one
      // included.
      const slice = Math.min(bytes.length, maxFrames * SMALLEST_MASKED_FRAME_BYTES);
      driverMethods(this.#driver).parse.call(this.#driver, bytes.subarray(0, slice));
      return slice;
    }
    this.#reader ??= new HixieServerReader(this.#draft, this.#maxMessageBytes, this);
    return this.#reader.pushFrames(bytes, maxFrames);
  }

  /** Every chunk faye hands its driver. */
  takeBytes(chunk: Buffer | readonly number[]): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    const driver = this.#driver;
    if (this.#draft === 0) {
      this.received(bytes.length, 0);
      this.feedInput(bytes);
      return;
    }
    // The key3 body still goes through the driver, and nothing after it: the driver parses
    // every byte it is handed, frames too, so it is handed what key3 still lacks (draft-76
    // §5.2), a byte at a time only once it holds 8 and has not started; every later byte goes
    // to the reader, in any chunk.
    const { parse } = driverMethods(driver);
    let offset = 0;
    while (driver.readyState === 0 && offset < bytes.length) {
      const lacking = Math.max(1, DRAFT76_KEY3_LENGTH - driver._body.length);
      const end = Math.min(bytes.length, offset + lacking);
      parse.call(driver, bytes.subarray(offset, end));
      offset = end;
    }
    if (driver.readyState === 1 && offset < bytes.length) {
      this.received(bytes.length - offset, 0);
      this.feedInput(bytes.subarray(offset));
    }
  }

  /** A complete hybi frame's payload, before the driver would act on it. */
  takeHybiFrame(buffer: Buffer): void {
    const driver = this.#driver;
    const frame = driver._frame;
    if (frame === undefined) return;
    this.received(0, 1);
    if (!frame.masked) {
      driver._fail('protocol_error', 'Received an unmasked frame from a client.');
      return;
    }
    const { opcode } = frame;
    const { _emitFrame: emitFrame } = driverMethods(driver);
    if (opcode === OPCODE_TEXT || opcode === OPCODE_BINARY || opcode === OPCODE_CONTINUATION) {
      driver._frame = undefined;
      this.receiveDataFrame(opcode, frame.final, unmask(buffer, frame.maskingKey));
    } else if (opcode === OPCODE_PING) {
      driver._frame = undefined;
      this.sendPong(unmask(buffer, frame.maskingKey));
    } else if (opcode === OPCODE_CLOSE) {
      const payload = unmask(buffer, frame.maskingKey);
      // The payload is unmasked now: the driver must not unmask it again.
      frame.maskingKey?.fill(0);
      if (payload.length >= 2 && !isValidCloseCode(payload.readUInt16BE(0))) {
        driver._fail('protocol_error', 'Close code not allowed on the wire.');
      } else if (!isValidCloseReason(payload)) {
        driver._fail('encoding_error', 'Close reason is not UTF-8.');
      } else {
        emitFrame.call(driver, payload);
      }
    } else {
      emitFrame.call(driver, buffer);
    }
  }

  /** Reader input: one draft text frame. */
  receiveHixieText(text: string): void {
    this.received(0, 1);
    this.receiveText(text);
  }

  /** Reader input: the closing handshake, a frame too large, or text that is not UTF-8. */
  hixieReaderStopped(_why: HixieReaderStop): void {
    this.#driver.close();
  }

  // draft-hixie-76 §5.2: the server's answer is the 101 head followed by the 16-byte MD5. When
  // key3 came with the headers both are known at once and must leave in one write: a client
  // that reads the head and the answer in one read fails otherwise. When key3 is late the head
  // goes first, on its own: nginx opens its tunnel only after a 101, so a server waiting for
  // key3 before its head would wait behind the proxy for ever.
  startInOneWrite(): boolean {
    const socket = this.#socket;
    socket.cork();
    // faye writes the key3 it already has right after `start`, in the same tick.
    process.nextTick(uncork, socket);
    return driverMethods(this.#driver).start.call(this.#driver);
  }

  /** faye's `open`. */
  opened(): void {
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.onOpen(this);
  }

  /** faye's `close`. */
  libraryClosed(event: LibraryCloseEvent): void {
    const pending = this.#pending;
    if (pending !== undefined) {
      this.#pending = undefined;
      pending.onFail(new Error('The handshake did not complete.'));
      return;
    }
    // The drafts carry no close code: an orderly close reports 1000. hixie-75 has no closing
    // handshake at all, so the end of the TCP connection is its orderly close.
    const code =
      this.protocol === 'hixie-75' && event.code === 1006
        ? CLOSE_CODES.normal
        : (event.code ?? (this.#draft === 0 ? 1005 : CLOSE_CODES.normal));
    this.closed(code, event.reason ?? '');
  }
}

function uncork(socket: Socket): void {
  socket.uncork();
}

function parseThroughConnection(this: Driver, chunk: Buffer | readonly number[]): void {
  this[kConnection].takeBytes(chunk);
}

function emitFrameThroughConnection(this: Driver, buffer: Buffer): void {
  this[kConnection].takeHybiFrame(buffer);
}

function startInOneWrite(this: Driver): boolean {
  return this[kConnection].startInOneWrite();
}

// The driver emits `close` once it has sent its Close or closing handshake: no data after it.
function onDriverClose(this: Driver): void {
  this[kConnection].engineClosing();
}

function onLibraryOpen(this: Library): void {
  this[kConnection].opened();
}

function onLibraryError(this: Library, event: { message?: string }): void {
  this[kConnection].receiveError(new Error(event.message ?? 'faye-websocket error'));
}

function onLibraryClose(this: Library, event: LibraryCloseEvent): void {
  this[kConnection].libraryClosed(event);
}

function accept(context: EngineContext, callbacks: AcceptCallbacks): void {
  const { request, socket, head, decision, limits } = context;
  const { protocol } = decision;
  const library = new FayeWebSocket(requestForDriver(request, decision), socket, head, [], {
    maxLength: limits.maxMessageBytes,
  });
  // The connection finds its way back through the symbols; `open` hands it on.
  new FayeConnection(context, library, callbacks);
  const driver = library._driver as Driver;
  driver.parse = parseThroughConnection;
  if (isDraft(protocol)) {
    if (protocol === 'hixie-76') driver.start = startInOneWrite;
  } else {
    driver._requireMasking = false;
    driver.ERROR_CODES = CLOSE_CODES_ACCEPTED;
    driver._emitFrame = emitFrameThroughConnection;
  }
  driver.on('close', onDriverClose);
  library.on('open', onLibraryOpen);
  library.on('error', onLibraryError);
  library.on('close', onLibraryClose);
}

/** The faye-websocket adapter. */
export const fayeWebSocketEngine: EngineAdapter = {
  serves: ['rfc6455', 'hybi-08', 'hybi-07', 'hixie-76', 'hixie-75'],
  accept,
};
