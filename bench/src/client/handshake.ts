/**
 * The client side of the two opening handshakes, written out by hand so the generator needs no
 * WebSocket library:
 *
 * - RFC 6455 §4.1: a GET with `Sec-WebSocket-Key` (16 random bytes, base64) and version 13;
 *   the server proves it read the key with `Sec-WebSocket-Accept` =
 *   base64(SHA-1(key + the §1.3 GUID)).
 * - draft-hixie-76 §4.1: a GET with `Sec-WebSocket-Key1`/`Key2` and an 8-byte key3 body; the
 *   server's response headers are followed by the 16-byte MD5 answer (§5.2), and frames may
 *   follow straight after it in the same chunk.
 *
 * No Origin header is sent: the generator is not a browser, and the contract admits a request
 * without one.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  computeDraft76Answer,
  createDraft76Key,
  createDraft76Key3,
} from '@draftbridge/protocol-router';
import type { WireProtocol } from '../constants.js';

/** RFC 6455 §1.3: the GUID appended to the key before hashing. */
const RFC6455_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Bytes in the draft-76 answer that follows the response headers (§5.2). */
export const HIXIE76_ANSWER_LENGTH = 16;

const HEADER_END = Buffer.from('\r\n\r\n', 'latin1');

/** A request to write and what the server must answer to it. */
export interface HandshakeRequest {
  readonly protocol: WireProtocol;
  readonly bytes: Buffer;
  /** Sec-WebSocket-Accept for RFC 6455, the 16-byte answer for hixie-76. */
  readonly expected: string | Buffer;
}

/** Builds the opening request for `protocol` to `host:port` + `path`. */
export function createHandshakeRequest(
  protocol: WireProtocol,
  host: string,
  port: number,
  path: string,
): HandshakeRequest {
  if (protocol === 'rfc6455') {
    const key = randomBytes(16).toString('base64');
    const head = [
      `GET ${path} HTTP/1.1`,
      `Host: ${host}:${port}`,
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Key: ${key}`,
      'Sec-WebSocket-Version: 13',
    ];
    return {
      protocol,
      bytes: Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'),
      expected: computeRfc6455Accept(key),
    };
  }
  const key1 = createDraft76Key();
  const key2 = createDraft76Key();
  const key3 = createDraft76Key3();
  const head = [
    `GET ${path} HTTP/1.1`,
    'Upgrade: WebSocket',
    'Connection: Upgrade',
    `Host: ${host}:${port}`,
    `Sec-WebSocket-Key1: ${key1.key}`,
    `Sec-WebSocket-Key2: ${key2.key}`,
  ];
  return {
    protocol,
    bytes: Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), key3]),
    expected: computeDraft76Answer(key1.part, key2.part, key3),
  };
}

/** Sec-WebSocket-Accept for a given Sec-WebSocket-Key (RFC 6455 §4.2.2 step 5.4). */
export function computeRfc6455Accept(key: string): string {
  return createHash('sha1')
    .update(key + RFC6455_GUID)
    .digest('base64');
}

/** The outcome of reading a handshake response so far. */
export type HandshakeResult =
  | { readonly state: 'incomplete' }
  | { readonly state: 'failed'; readonly reason: string }
  | { readonly state: 'open'; readonly rest: Buffer };

/**
 * Checks the bytes received so far against the request; `rest` holds whatever followed the
 * handshake (the first frames).
 */
export function parseHandshakeResponse(
  request: HandshakeRequest,
  received: Buffer,
): HandshakeResult {
  const headerEnd = received.indexOf(HEADER_END);
  if (headerEnd === -1) return { state: 'incomplete' };
  const lines = received.toString('latin1', 0, headerEnd).split('\r\n');
  const status = /^HTTP\/1\.1 (\d{3})/.exec(lines[0] ?? '');
  if (status?.[1] !== '101') return { state: 'failed', reason: `answered ${lines[0] ?? ''}` };
  const bodyStart = headerEnd + HEADER_END.length;
  if (request.protocol === 'rfc6455') {
    const accept = readHeader(lines, 'sec-websocket-accept');
    if (accept !== request.expected)
      return { state: 'failed', reason: 'wrong Sec-WebSocket-Accept' };
    return { state: 'open', rest: received.subarray(bodyStart) };
  }
  if (received.length < bodyStart + HIXIE76_ANSWER_LENGTH) return { state: 'incomplete' };
  const answer = received.subarray(bodyStart, bodyStart + HIXIE76_ANSWER_LENGTH);
  if (!(request.expected instanceof Buffer) || !answer.equals(request.expected)) {
    return { state: 'failed', reason: 'wrong draft-76 answer' };
  }
  return { state: 'open', rest: received.subarray(bodyStart + HIXIE76_ANSWER_LENGTH) };
}

function readHeader(lines: readonly string[], name: string): string | undefined {
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) {
      return line.slice(colon + 1).trim();
    }
  }
  return undefined;
}
