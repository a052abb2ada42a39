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
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { TextDecoder } from 'node:util';
import FayeWebSocket from 'faye-websocket';
import type { Accepted } from '../classify.js';
import { CLOSE_CODES } from '../connection.js';
import type { Protocol } from '../protocols.js';
import type { AcceptCallbacks, EngineAdapter, EngineContext } from './engine.js';
import { EngineConnection } from './engine-connection.js';
import { createHixieReader } from './hixie-reader.js';
import {
  isValidCloseCode,
  MessageAssembler,
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

// The driver reads `request.headers`; a child object with other headers leaves the original
// alone. hybi-07 and -08 are shown as version 13 (see the design note).
function requestForDriver(request: IncomingMessage, decision: Accepted): IncomingMessage {
  const headers: IncomingHttpHeaders = { ...request.headers };
  for (const name of SECURE_HINTS) delete headers[name];
  const { host, scheme } = decision.forwarding;
  if (host !== undefined) headers.host = host;
  if (scheme === 'https') headers['x-forwarded-proto'] = 'https';
  if (!isDraft(decision.protocol)) headers['sec-websocket-version'] = '13';
  return Object.create(request, { headers: { value: headers } }) as IncomingMessage;
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

// Complete hybi frames come here before the driver would act on them.
function readHybiFrames(driver: HybiDriver, connection: EngineConnection, context: EngineContext) {
  const { limits } = context;
  const parse = driver.parse.bind(driver);
  driver.parse = (chunk) => {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    connection.received(bytes.length, 0);
    connection.feedInput(bytes, parse);
  };
  const assembler = new MessageAssembler(limits.maxMessageBytes, limits.maxFragments, {
    text: (text) => connection.receiveText(text),
    binary: (data) => connection.receiveBinary(data),
    fail: (code, reason) =>
      driver._fail(
        code === CLOSE_CODES.invalidPayload
          ? 'encoding_error'
          : code === CLOSE_CODES.messageTooBig
            ? 'too_large'
            : code === CLOSE_CODES.policyViolation
              ? 'policy_violation'
              : 'protocol_error',
        reason,
      ),
  });
  driver._requireMasking = false;
  driver.ERROR_CODES = CLOSE_CODES_ACCEPTED;
  const emitFrame = driver._emitFrame.bind(driver);
  driver._emitFrame = (buffer) => {
    const frame = driver._frame;
    if (frame === undefined) return;
    connection.received(0, 1);
    if (!frame.masked) {
      driver._fail('protocol_error', 'Received an unmasked frame from a client.');
      return;
    }
    const { opcode } = frame;
    if (opcode === OPCODE_TEXT || opcode === OPCODE_BINARY || opcode === OPCODE_CONTINUATION) {
      driver._frame = undefined;
      assembler.frame(opcode, frame.final, unmask(buffer, frame.maskingKey));
    } else if (opcode === OPCODE_PING) {
      driver._frame = undefined;
      connection.sendPong(unmask(buffer, frame.maskingKey));
    } else if (opcode === OPCODE_CLOSE) {
      const payload = unmask(buffer, frame.maskingKey);
      // The payload is unmasked now: the driver must not unmask it again.
      frame.maskingKey?.fill(0);
      if (payload.length >= 2 && !isValidCloseCode(payload.readUInt16BE(0))) {
        driver._fail('protocol_error', 'Close code not allowed on the wire.');
      } else if (!isValidCloseReason(payload)) {
        driver._fail('encoding_error', 'Close reason is not UTF-8.');
      } else {
        emitFrame(payload);
      }
    } else {
      emitFrame(buffer);
    }
  };
}

// The key3 body still goes through the driver, byte by byte, so that it stops at the last
// byte of the handshake (draft-76 §5.2); every later byte goes to the reader, in any chunk.
function readHixieFrames(
  driver: HybiDriver,
  connection: EngineConnection,
  draft: 75 | 76,
  maxMessageBytes: number,
): void {
  const handshake = driver.parse.bind(driver);
  const read = createHixieReader(draft, maxMessageBytes, {
    text: (text) => {
      connection.received(0, 1);
      connection.receiveText(text);
    },
    close: () => driver.close(),
    tooLarge: () => driver.close(),
    invalidText: () => driver.close(),
  });
  driver.parse = (chunk) => {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    let offset = 0;
    for (; driver.readyState === 0 && offset < bytes.length; offset += 1) {
      handshake(bytes.subarray(offset, offset + 1));
    }
    if (driver.readyState === 1 && offset < bytes.length) {
      connection.received(bytes.length - offset, 0);
      connection.feedInput(bytes.subarray(offset), read);
    }
  };
}

// draft-hixie-76 §5.2: the server's answer is the 101 head followed by the 16-byte MD5. When
// key3 came with the headers both are known at once and must leave in one write: a client that
// reads the head and the answer in one read fails otherwise. When key3 is late the head goes
// first, on its own: nginx opens its tunnel only after a 101, so a server waiting for key3
// before its head would wait behind the proxy for ever.
function answerInOneWrite(ws: FayeWebSocket, socket: EngineContext['socket']): void {
  const driver = ws._driver as HybiDriver & { start: () => boolean };
  const start = driver.start.bind(driver);
  driver.start = () => {
    socket.cork();
    // faye writes the key3 it already has right after `start`, in the same tick.
    process.nextTick(() => socket.uncork());
    return start();
  };
}

function isDraft(protocol: Protocol): protocol is 'hixie-76' | 'hixie-75' {
  return protocol === 'hixie-76' || protocol === 'hixie-75';
}

function accept(context: EngineContext, callbacks: AcceptCallbacks): void {
  const { request, socket, head, decision, limits } = context;
  const { protocol } = decision;
  const draft = isDraft(protocol);
  const ws = new FayeWebSocket(requestForDriver(request, decision), socket, head, [], {
    maxLength: limits.maxMessageBytes,
    // Seconds; the driver sends pings on hybi only, the drafts have no ping frame.
    ...(draft ? {} : { ping: Math.max(1, Math.round(limits.keepaliveIntervalMs / 1000)) }),
  });
  const driver = ws._driver;
  const connection = new EngineConnection(context, {
    closeEngine: (code, reason) => {
      // WebSocket-Node half-closes right after its Close (its sendCloseFrame ends the
      // socket); the hybi driver keeps its side open until the peer's Close, so a peer that
      // does not answer saw no end until the close timeout destroyed the socket, its unread
      // bytes then turning the end into a reset. One rule: our FIN follows our Close at once
      // (RFC 6455 §5.5.1: nothing is sent after a Close), and reading goes on.
      if (driver.close(reason, code) && !draft) socket.end();
    },
    engineBuffered: () => ws.bufferedAmount,
  });
  if (draft) {
    readHixieFrames(driver, connection, protocol === 'hixie-76' ? 76 : 75, limits.maxMessageBytes);
    if (protocol === 'hixie-76') answerInOneWrite(ws, socket);
  } else {
    readHybiFrames(driver, connection, context);
  }
  // The driver emits `close` once it has sent its Close or closing handshake: no data after it.
  driver.on('close', () => connection.engineClosing());
  // Held only until the outcome is known, so an open connection does not keep the router's
  // handshake state (request, head, the parsed URL) alive for its whole life.
  let pending: AcceptCallbacks | undefined = callbacks;
  ws.on('open', () => {
    const opened = pending;
    pending = undefined;
    opened?.onOpen(connection);
  });
  ws.on('error', (event) =>
    connection.receiveError(new Error(event.message ?? 'faye-websocket error')),
  );
  ws.on('close', (event) => {
    if (pending !== undefined) {
      pending.onFail(new Error('The handshake did not complete.'));
      pending = undefined;
      return;
    }
    // The drafts carry no close code: an orderly close reports 1000. hixie-75 has no closing
    // handshake at all, so the end of the TCP connection is its orderly close.
    const code =
      protocol === 'hixie-75' && event.code === 1006
        ? CLOSE_CODES.normal
        : (event.code ?? (draft ? CLOSE_CODES.normal : 1005));
    connection.closed(code, event.reason ?? '');
  });
}

/** The faye-websocket adapter. */
export const fayeWebSocketEngine: EngineAdapter = {
  serves: ['rfc6455', 'hybi-08', 'hybi-07', 'hixie-76', 'hixie-75'],
  accept,
};
