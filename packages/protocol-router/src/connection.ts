/**
 * One connection, whichever engine carries it. The chat server talks to this interface only:
 * it never learns whether WebSocket-Node or faye-websocket sits underneath.
 */
import type { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import type { PreparedBatch, PreparedMessage } from './prepared-message.js';
import type { Engine, Protocol } from './protocols.js';

/** Close codes the router uses (RFC 6455 §7.4.1). Hixie has no codes; they are reported as 1000 or 1006. */
export const CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  unsupportedData: 1003,
  abnormal: 1006,
  invalidPayload: 1007,
  policyViolation: 1008,
  messageTooBig: 1009,
  internalError: 1011,
  tryAgainLater: 1013,
} as const;

/** Events a connection emits. */
export interface ConnectionEvents {
  /** One complete text message. */
  text: [text: string];
  /** One complete binary message (hybi and RFC 6455 only; the drafts have no usable binary frames). */
  binary: [data: Buffer];
  /** The connection is closed: emitted exactly once. `code` is 1006 when it was not closed cleanly. */
  close: [code: number, reason: string];
  /** An engine or socket error; a `close` follows. */
  error: [error: Error];
  /** This turn's frames were handed to the socket (or kept while it drains): the end of a turn. */
  flush: [];
  /** The backlog passed the slow-reader bound; the socket is destroyed next (close 1006). */
  overflow: [bufferedBytes: number];
  /** The socket drained after frames had to wait for it. */
  drain: [];
}

/** What is known about a connection from its handshake. */
export interface ConnectionInfo {
  /** The protocol the client speaks. */
  readonly protocol: Protocol;
  /** The engine that carries it. */
  readonly engine: Engine;
  /** The request path, e.g. `/ws`. */
  readonly path: string;
  /** The request query. */
  readonly query: URLSearchParams;
  /** `Origin` or `Sec-WebSocket-Origin`, when the client sent one. */
  readonly origin: string | undefined;
  /**
   * The peer's address as the socket sees it (never X-Forwarded-For), read when first asked.
   * As with Node's `socket.remoteAddress`, ask while the connection is open: once the socket
   * is closed, an address nobody read is empty.
   */
  readonly remoteAddress: string;
  /** The peer's port. */
  readonly remotePort: number;
  /**
   * The client's address: `remoteAddress`, or behind a trusted proxy (`trustProxy`) the
   * right-most X-Forwarded-For address that is not a trusted proxy itself.
   */
  readonly clientAddress: string;
  /** The request headers, for what the router does not interpret. */
  readonly headers: IncomingHttpHeaders;
}

/** An open WebSocket connection of any protocol. */
export interface Connection extends ConnectionInfo, EventEmitter<ConnectionEvents> {
  /** True until the connection starts closing. */
  readonly isOpen: boolean;
  /** Bytes queued in user space and in the socket, not yet handed to the kernel. */
  readonly bufferedAmount: number;
  /**
   * Sends one text message. A PreparedMessage is framed once per protocol family and the same
   * bytes are written to every connection that shares the family. Returns false when the
   * connection is not open (the message is dropped).
   */
  send(message: string | PreparedMessage): boolean;
  /**
   * Sends every message of `batch`, in order, as `send` would one by one; the frames are queued
   * as one run shared with every connection of the family that is sent the same batch.
   */
  sendBatch(batch: PreparedBatch): boolean;
  /**
   * Starts the closing handshake of the protocol: a close frame with `code` on hybi and RFC
   * 6455, `0xFF 0x00` on hixie-76, a plain TCP close on hixie-75.
   */
  close(code?: number, reason?: string): void;
  /** Destroys the socket at once, with no closing handshake. */
  terminate(): void;
}
