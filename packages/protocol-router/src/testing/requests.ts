/**
 * Upgrade requests as bytes, for tests that write them on a raw socket: any head from a target
 * and headers, and a valid request of each protocol, built by the client kit's own handshake
 * (client/handshake.ts) with fixed keys, so that a test knows the answer it must get.
 */
import { createClientHandshake } from '../client/handshake.js';
import type { HixieChallenge } from '../client/hixie/hixie-drafts.js';
import type { Protocol } from '../protocols.js';

/**
 * The draft-76 example handshake (draft-hixie-76 §1.3's second verified example): the two keys,
 * the key3 body and the 16-byte answer a server must send for them.
 */
export const DRAFT76_EXAMPLE = {
  key1: '4 @1  46546xW%0l 1 5',
  key2: '12998 5 Y3 1  .P00',
  key3: Buffer.from('^n:ds[4U', 'latin1'),
  answer: Buffer.from("8jKS'y:G*Co,Wxa-", 'latin1'),
} as const;

/** RFC 6455 §1.3's example key and the Sec-WebSocket-Accept a server answers it with. */
export const RFC6455_EXAMPLE = {
  key: 'dGhlIHNhbXBsZSBub25jZQ==',
  accept: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
} as const;

const EXAMPLE_CHALLENGE: HixieChallenge = {
  headers: [
    ['Sec-WebSocket-Key1', DRAFT76_EXAMPLE.key1],
    ['Sec-WebSocket-Key2', DRAFT76_EXAMPLE.key2],
  ],
  body: DRAFT76_EXAMPLE.key3,
  expectedAnswer: DRAFT76_EXAMPLE.answer,
};

/** Header lines in order: a record, or pairs where a name may repeat. */
export type HeaderLines = Readonly<Record<string, string>> | readonly (readonly [string, string])[];

/** An HTTP/1.1 GET head from a target and headers, ending with the blank line. */
export function requestHead(target: string, headers: HeaderLines): string {
  const pairs = Array.isArray(headers) ? headers : Object.entries(headers);
  const lines = [`GET ${target} HTTP/1.1`, ...pairs.map(([name, value]) => `${name}: ${value}`)];
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** What a valid upgrade request may carry besides its protocol's own headers. */
export interface UpgradeOptions {
  /** Path and query; default `/ws`. */
  readonly target?: string;
  /** Sent as `Origin` (`Sec-WebSocket-Origin` on hybi-07/08). */
  readonly origin?: string;
  /** Extra headers after the protocol's own. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The hybi `Sec-WebSocket-Key`; a random one by default. */
  readonly key?: string;
}

function handshakeFor(protocol: Protocol, port: number, options: UpgradeOptions) {
  return createClientHandshake(
    protocol,
    { host: `127.0.0.1:${port}`, resource: options.target ?? '/ws' },
    protocol === 'hixie-76' ? { ...options, challenge: EXAMPLE_CHALLENGE } : options,
  );
}

/**
 * The head of a valid upgrade request of `protocol` to 127.0.0.1:`port`; hixie-76 carries the
 * example keys, and its key3 (`DRAFT76_EXAMPLE.key3`) is left for the test to send.
 */
export function upgradeHead(
  protocol: Protocol,
  port: number,
  options: UpgradeOptions = {},
): string {
  return handshakeFor(protocol, port, options).head.toString('latin1');
}

/** A whole valid upgrade request of `protocol`: the head, and hixie-76's key3. */
export function upgradeRequest(
  protocol: Protocol,
  port: number,
  options: UpgradeOptions = {},
): Buffer {
  const handshake = handshakeFor(protocol, port, options);
  return Buffer.concat([handshake.head, handshake.body]);
}
