/**
 * The one client interface of the kit: a connection over any of the five protocols, as small as
 * the chat needs it (text in and out, the protocol's close, errors) plus the exact frame bytes
 * for tracing. connect-client.ts chooses the implementation for each protocol.
 */
import type { EventEmitter } from 'node:events';
import type net from 'node:net';
import {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_MESSAGE_BYTES,
} from '../constants.js';
import { PROTOCOLS, type Protocol } from '../protocols.js';
import type { HandshakeBytes } from './handshake.js';
import { checkPositiveOption } from './option-checks.js';

/** What a ProtocolClient emits, the same on every protocol. */
export interface ProtocolClientEvents {
  /** One text message from the server. */
  message: [text: string];
  /**
   * The exact bytes of each frame read (`in`) or written (`out`), handshake excluded; only
   * with the `trace` option.
   */
  frame: [direction: 'in' | 'out', bytes: Buffer];
  /**
   * The connection is closed: emitted exactly once. `code` is the server's close code on hybi
   * and RFC 6455; on the drafts, which have none, 1000 for a completed close; 1006 wherever
   * the connection ended without one.
   */
  close: [code: number, reason: string];
  /** A protocol or socket error; a `close` follows. */
  error: [error: Error];
}

/** An open connection of any protocol; get one from `connectClient()`. */
export interface ProtocolClient extends EventEmitter<ProtocolClientEvents> {
  readonly protocol: Protocol;
  /** The TCP socket, for its addresses and for flow control (`pause()`); write only through the client. */
  readonly socket: net.Socket;
  /**
   * The opening handshake's exact bytes as they crossed the socket (request, draft-76's key3,
   * response, draft-76's answer); only with the `trace` option, null otherwise.
   */
  readonly handshake: HandshakeBytes | null;
  /** True until the connection starts closing. */
  readonly isOpen: boolean;
  /** Sends one text message; false (and the message dropped) when the connection is not open. */
  send(text: string): boolean;
  /**
   * Closes the protocol's way: a close frame with `code` (default 1000) and `reason` on hybi and
   * RFC 6455, `0xFF 0x00` on hixie-76, a TCP close on hixie-75 (the drafts carry no code). Throws
   * a RangeError for a code an endpoint may not send (RFC 6455 §7.4) or a reason past 123 bytes.
   */
  close(code?: number, reason?: string): void;
  /** Destroys the socket at once, with no closing handshake. */
  terminate(): void;
}

/** How to open a connection. */
export interface ClientOptions {
  /** One of `PROTOCOLS`: it chooses the implementation (connect-client.ts). */
  readonly protocol: Protocol;
  /** `ws://host:port/path?query`, or `wss:` for TLS. */
  readonly url: string;
  /** Certificates (PEM) to trust for `wss:` instead of Node's own roots, e.g. a self-signed one. */
  readonly ca?: string | Buffer;
  /** Sent as `Origin` (`Sec-WebSocket-Origin` on hybi-07/08). */
  readonly origin?: string;
  /** Extra request headers; the handshake's own cannot be overridden. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Time allowed from connecting until the handshake is verified; default 5000. */
  readonly handshakeTimeoutMs?: number;
  /** Largest message accepted from the server, in bytes; default 65536. */
  readonly maxMessageBytes?: number;
  /** Time `close()` waits for the server's half of the closing; default 5000. */
  readonly closeTimeoutMs?: number;
  /** Emit `frame` events with the exact bytes of every frame, and keep the handshake's; default false. */
  readonly trace?: boolean;
}

/** ClientOptions as the implementations receive them: checked, every default filled in. */
export interface ResolvedClientOptions {
  readonly protocol: Protocol;
  readonly url: string;
  readonly ca: string | Buffer | undefined;
  readonly origin: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly handshakeTimeoutMs: number;
  readonly maxMessageBytes: number;
  readonly closeTimeoutMs: number;
  readonly trace: boolean;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  return checkPositiveOption(name, value, fallback, (message) => new TypeError(message));
}

/** Checks every option and fills in the defaults; throws a TypeError naming the bad option. */
export function resolveClientOptions(options: ClientOptions): ResolvedClientOptions {
  if (!PROTOCOLS.includes(options.protocol)) {
    throw new TypeError(
      `protocol must be one of ${PROTOCOLS.join(', ')}, got ${JSON.stringify(options.protocol)}`,
    );
  }
  if (typeof options.url !== 'string' || !URL.canParse(options.url)) {
    throw new TypeError(`url is not a valid URL: ${JSON.stringify(options.url)}`);
  }
  return {
    protocol: options.protocol,
    url: options.url,
    ca: options.ca,
    origin: options.origin,
    headers: options.headers ?? {},
    handshakeTimeoutMs: positive(
      'handshakeTimeoutMs',
      options.handshakeTimeoutMs,
      DEFAULT_HANDSHAKE_TIMEOUT_MS,
    ),
    maxMessageBytes: positive(
      'maxMessageBytes',
      options.maxMessageBytes,
      DEFAULT_MAX_MESSAGE_BYTES,
    ),
    closeTimeoutMs: positive('closeTimeoutMs', options.closeTimeoutMs, DEFAULT_CLOSE_TIMEOUT_MS),
    trace: options.trace ?? false,
  };
}

// RFC 6455 §5.5: a control frame's payload is at most 125 bytes, two of them the code.
const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Throws a RangeError unless an endpoint may send `code` (RFC 6455 §7.4.1-2: 1000-1003 and
 * 1007-1014 are defined for sending, 3000-4999 are for applications) with `reason`.
 */
export function checkCloseCode(code: number, reason: string): void {
  const defined = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
  if (!Number.isInteger(code) || !(defined || (code >= 3000 && code <= 4999))) {
    throw new RangeError(`close code ${code} may not be sent (RFC 6455 §7.4)`);
  }
  if (Buffer.byteLength(reason) > MAX_CLOSE_REASON_BYTES) {
    throw new RangeError(`close reason exceeds ${MAX_CLOSE_REASON_BYTES} bytes`);
  }
}
