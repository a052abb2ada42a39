/**
 * The client side of every opening handshake as bytes: the request for any of the five
 * protocols, and a check of the server's answer as it accumulates. The hybi-07 client, the load
 * generator and the raw-wire test helpers build their requests here; the hixie client builds
 * its request the same way and reads the answer with more checks (hixie/hixie-handshake.ts).
 *
 * - RFC 6455 §4.1: a GET with `Sec-WebSocket-Key` (16 random bytes, base64) and version 13; the
 *   server proves it read the key with `Sec-WebSocket-Accept` = base64(SHA-1(key + the §1.3
 *   GUID)). hybi-08 and hybi-07 differ only in the version they send (8, 7) and in naming the
 *   origin `Sec-WebSocket-Origin` (draft-ietf-hybi-thewebsocketprotocol-07/-08 §4.1).
 * - draft-hixie-76 §4.1: `Sec-WebSocket-Key1`/`Key2` and an 8-byte key3 body; the server's
 *   response headers are followed by the 16-byte MD5 answer (§5.2), and frames may follow
 *   straight after it in the same chunk. Draft-75 has no challenge at all.
 */
import { createHash, randomBytes } from 'node:crypto';
import { RFC6455_GUID } from '../constants.js';
import { PROTOCOL_TABLE, type Protocol } from '../protocols.js';
import { HIXIE_DRAFT_RULES, type HixieChallenge } from './hixie/hixie-drafts.js';
import { createHixieRequest } from './hixie/hixie-handshake.js';
import { checkRequestOptions, type RequestOptions } from './option-checks.js';

/** Where a request goes: the `Host` header and the path with its query. */
export interface HandshakeTarget {
  /** The `Host` header, e.g. `127.0.0.1:8080`. */
  readonly host: string;
  /** Path and query, e.g. `/ws?engine=faye-websocket`. */
  readonly resource: string;
}

/** What a request carries besides the handshake itself. */
export interface ClientHandshakeOptions extends RequestOptions {
  /** The hybi `Sec-WebSocket-Key` (base64 of 16 bytes); a fresh random one by default. */
  readonly key?: string;
  /** The hixie challenge (draft-76 keys and key3); a fresh one by default. */
  readonly challenge?: HixieChallenge;
}

/** A request to write and what the server must answer to it. */
export interface ClientHandshake {
  readonly protocol: Protocol;
  /** The request head, up to and including the blank line. */
  readonly head: Buffer;
  /** What follows the head: draft-76's key3, empty otherwise. */
  readonly body: Buffer;
  /** `Sec-WebSocket-Accept` on hybi and RFC 6455; the answer bytes on the drafts (none on 75). */
  readonly expected: string | Buffer;
}

const HYBI_HANDSHAKE_HEADERS: ReadonlySet<string> = new Set([
  'upgrade',
  'connection',
  'host',
  'origin',
  'sec-websocket-origin',
  'sec-websocket-key',
  'sec-websocket-version',
]);

const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');

function isHixie(protocol: Protocol): protocol is 'hixie-75' | 'hixie-76' {
  return protocol === 'hixie-75' || protocol === 'hixie-76';
}

/** Sec-WebSocket-Accept for a given Sec-WebSocket-Key (RFC 6455 §4.2.2 step 5.4). */
export function computeRfc6455Accept(key: string): string {
  return createHash('sha1')
    .update(key + RFC6455_GUID)
    .digest('base64');
}

/**
 * Builds the opening request of `protocol` to `target`; throws a TypeError (a HixieError
 * `invalid_options` on the drafts) for an origin or header that may not be sent.
 */
export function createClientHandshake(
  protocol: Protocol,
  target: HandshakeTarget,
  options: ClientHandshakeOptions = {},
): ClientHandshake {
  if (isHixie(protocol)) {
    const draft = protocol === 'hixie-76' ? 76 : 75;
    const challenge = options.challenge ?? HIXIE_DRAFT_RULES[draft].createChallenge();
    const bytes = createHixieRequest(target, options, challenge);
    return {
      protocol,
      head: bytes.subarray(0, bytes.length - challenge.body.length),
      body: challenge.body,
      expected: challenge.expectedAnswer,
    };
  }
  checkRequestOptions(options, HYBI_HANDSHAKE_HEADERS, (message) => new TypeError(message));
  const key = options.key ?? randomBytes(16).toString('base64');
  // The version each hybi protocol sends (RFC 6455 §4.1; hybi-07 and -08 §4.1): the table's.
  const { version } = PROTOCOL_TABLE[protocol];
  const lines = [
    `GET ${target.resource} HTTP/1.1`,
    `Host: ${target.host}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${key}`,
    `Sec-WebSocket-Version: ${version}`,
  ];
  if (options.origin !== undefined) {
    lines.push(`${protocol === 'rfc6455' ? 'Origin' : 'Sec-WebSocket-Origin'}: ${options.origin}`);
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    lines.push(`${name}: ${value}`);
  }
  return {
    protocol,
    head: Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'),
    body: Buffer.alloc(0),
    expected: computeRfc6455Accept(key),
  };
}

/**
 * The exact bytes of one opening handshake as they crossed the socket, for tracing (the kit's
 * `trace` option): the request head and what followed it (draft-76's key3), the response head
 * and what followed it before the first frame (draft-76's 16-byte answer).
 */
export interface HandshakeBytes {
  readonly protocol: Protocol;
  /** The request head, up to and including the blank line. */
  readonly requestHead: Buffer;
  /** Bytes sent after the request head: draft-76's 8-byte key3, empty otherwise. */
  readonly requestBody: Buffer;
  /** The response head, up to and including the blank line. */
  readonly responseHead: Buffer;
  /** Bytes received after the response head and before any frame: draft-76's answer, empty otherwise. */
  readonly responseBody: Buffer;
}

// Where a head ends: just past its blank line, or the whole buffer when it has none.
function headLength(bytes: Buffer): number {
  const end = bytes.indexOf(HEADER_END);
  return end === -1 ? bytes.length : end + HEADER_END.length;
}

/**
 * Splits what a client wrote and read during its handshake into heads and bodies: the request
 * head and what followed it, the response head and its next `responseBodyBytes` bytes (16 on
 * draft-76, 0 elsewhere); whatever came after those is frames and left out. The bytes are copied.
 */
export function splitHandshakeBytes(
  protocol: Protocol,
  sent: Buffer,
  received: Buffer,
  responseBodyBytes: number,
): HandshakeBytes {
  const request = Buffer.from(sent);
  const requestEnd = headLength(request);
  const responseEnd = headLength(received);
  const response = Buffer.from(received.subarray(0, responseEnd + responseBodyBytes));
  return {
    protocol,
    requestHead: request.subarray(0, requestEnd),
    requestBody: request.subarray(requestEnd),
    responseHead: response.subarray(0, responseEnd),
    responseBody: response.subarray(responseEnd),
  };
}

/** The outcome of reading a handshake response so far. */
export type HandshakeResult =
  | { readonly state: 'incomplete' }
  | { readonly state: 'failed'; readonly reason: string }
  | { readonly state: 'open'; readonly rest: Buffer };

function readHeader(lines: readonly string[], name: string): string | undefined {
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) {
      return line.slice(colon + 1).trim();
    }
  }
  return undefined;
}

/**
 * Checks the bytes received so far against the request: a `101`, then the accept value or
 * the draft-76 answer. `rest` holds whatever followed the handshake (the first frames).
 */
export function readHandshakeResponse(
  handshake: ClientHandshake,
  received: Buffer,
): HandshakeResult {
  const headerEnd = received.indexOf(HEADER_END);
  if (headerEnd === -1) return { state: 'incomplete' };
  const lines = received.toString('latin1', 0, headerEnd).split('\r\n');
  const status = /^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? '');
  if (status?.[1] !== '101') return { state: 'failed', reason: `answered ${lines[0] ?? ''}` };
  const bodyStart = headerEnd + HEADER_END.length;
  if (typeof handshake.expected === 'string') {
    const accept = readHeader(lines, 'sec-websocket-accept');
    if (accept !== handshake.expected) {
      return { state: 'failed', reason: 'wrong Sec-WebSocket-Accept' };
    }
    return { state: 'open', rest: received.subarray(bodyStart) };
  }
  const answerEnd = bodyStart + handshake.expected.length;
  if (received.length < answerEnd) return { state: 'incomplete' };
  if (!received.subarray(bodyStart, answerEnd).equals(handshake.expected)) {
    return { state: 'failed', reason: 'wrong draft-76 answer' };
  }
  return { state: 'open', rest: received.subarray(answerEnd) };
}
