/**
 * Defaults and fixed values of the router. Every one of them is an option of
 * `createProtocolRouter` except the protocol constants.
 */

/** From the first byte until the handshake is complete, hixie-76's key3 body included. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5000;

/** Largest frame and largest reassembled message, in bytes, on every engine. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

/** How often the engines ping hybi and RFC 6455 clients (the drafts have no ping frame). */
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 20_000;

/** How long a closing handshake may take before the socket is destroyed. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 5000;

/** The versions the router serves, for the `Sec-WebSocket-Version` header of a 426 (RFC 6455 §4.2.2). */
export const SUPPORTED_VERSIONS = ['13', '8', '7'] as const;

/** The GUID RFC 6455 §1.3 appends to Sec-WebSocket-Key to compute Sec-WebSocket-Accept. */
export const RFC6455_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
