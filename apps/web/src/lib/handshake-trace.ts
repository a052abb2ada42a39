/**
 * The relay's `handshake` message as the inspector reads it: the request and response heads as
 * lines and headers (HTTP/1.1 heads are Latin-1 text, RFC 7230 §3.2.4), draft-76's key3 and
 * answer as bytes (docs/PROTOCOL.md, "Server to client").
 */
import type { HandshakeMessage, RelayProtocolId } from '@draftbridge/shared-types';
import { decodeBase64 } from './wire-bytes.js';

/** What the inspector says of the header that marks the relay's own legs (docs/PROTOCOL.md). */
export const RELAY_HEADER_NOTES: Readonly<Record<string, string>> = {
  'x-draftbridge-relay': 'the relay’s secret: it marks the leg relay; starred out for pages',
};

/** One HTTP head, as it crossed the socket and as lines. */
export interface HttpHead {
  readonly bytes: Uint8Array;
  /** The request line or the status line. */
  readonly startLine: string;
  /** Header lines in order, name as sent. */
  readonly headers: readonly (readonly [name: string, value: string])[];
}

/** A leg's handshake, decoded. */
export interface HandshakeTrace {
  readonly protocol: RelayProtocolId;
  readonly request: HttpHead;
  /** draft-76's 8 bytes after the request head; null on every other protocol. */
  readonly key3: Uint8Array | null;
  readonly response: HttpHead;
  /** draft-76's 16 bytes after the response head; null on every other protocol. */
  readonly answer: Uint8Array | null;
}

/** Splits a head's bytes into its start line and header lines. */
export function parseHttpHead(bytes: Uint8Array): HttpHead {
  const text = Array.from(bytes, (byte) => String.fromCharCode(byte)).join('');
  const [startLine = '', ...rest] = text.replace(/\r\n\r\n$/, '').split('\r\n');
  const headers = rest.map((line) => {
    const colon = line.indexOf(':');
    if (colon < 0) return [line, ''] as const;
    return [line.slice(0, colon), line.slice(colon + 1).trim()] as const;
  });
  return { bytes, startLine, headers };
}

/** The value of a header, compared without case; null when absent. */
export function headerValue(head: HttpHead, name: string): string | null {
  const wanted = name.toLowerCase();
  return head.headers.find(([header]) => header.toLowerCase() === wanted)?.[1] ?? null;
}

/** Decodes a validated `handshake` message. */
export function decodeHandshake(message: HandshakeMessage): HandshakeTrace {
  return {
    protocol: message.protocol,
    request: parseHttpHead(decodeBase64(message.request)),
    key3: message.key3 === undefined ? null : decodeBase64(message.key3),
    response: parseHttpHead(decodeBase64(message.response)),
    answer: message.answer === undefined ? null : decodeBase64(message.answer),
  };
}
