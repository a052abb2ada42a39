/**
 * Defaults and fixed values of the router. Every default is an option of
 * `createProtocolRouter`; the protocol facts themselves are in protocols.ts.
 */

/** From the first byte until the handshake is complete, hixie-76's key3 body included. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5000;

/** Largest frame and largest reassembled message, in bytes, on every engine. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * Most frames one message may arrive in. An empty continuation frame adds nothing to a
 * message's size, so without a count a message never ends and never passes the size limit.
 * `ws` allows 16 384 and closes with 1008 beyond; a chat client never needs more than a few.
 */
export const DEFAULT_MAX_FRAGMENTS = 1024;

/** How often the engines ping hybi and RFC 6455 clients (the drafts have no ping frame). */
export const DEFAULT_KEEPALIVE_INTERVAL_MS = 20_000;

/** How long a closing handshake may take before the socket is destroyed. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 5000;

/** How long a connection may make no progress (nothing read, backlog not drained). */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/** Backlog (queued and not yet in the kernel) past which a connection is dropped as a slow reader. */
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;

/** Sustained inbound budget of one connection, in bytes a second (frames cost extra, below). */
export const DEFAULT_INBOUND_BYTES_PER_SECOND = 256 * 1024;

/**
 * How much of the inbound budget a quiet connection may spend at once: the largest message in
 * the most fragments the contract allows (64 KiB, and 1024 frames at their cost) passes
 * without waiting.
 */
export const DEFAULT_INBOUND_BURST_BYTES = 256 * 1024;

/**
 * What one inbound frame costs on top of its bytes: parsing a frame costs more than a byte, so
 * a flood of empty frames or pings is held to about 1900 frames a second per connection.
 */
export const FRAME_COST_BYTES = 128;

/**
 * How much of one connection's fresh input (none of it was waiting) is parsed in one
 * event-loop turn before the others get theirs: at most this many frames, and no more frames
 * once this many bytes were parsed. Every connection with fresh input gets this share in the
 * turn it arrives, so it is small: a hundred sockets that all start flooding at once make a
 * turn of 6 400 frames, not of everything they sent.
 */
export const INPUT_FRAMES_PER_TURN = 64;
export const INPUT_BYTES_PER_TURN = 16 * 1024;

/**
 * The share of input left over from earlier turns, parsed after the fresh shares and only
 * while the turn is under `INPUT_TURN_MS`: larger, so that a burst leaves in fewer, larger
 * writes per member (paired bench runs, burst to a room of 100: 0.83 against 0.72 of the
 * same-work bound, median of four), while the time bound keeps the turn short.
 */
export const LEFTOVER_FRAMES_PER_TURN = 4 * INPUT_FRAMES_PER_TURN;
export const LEFTOVER_BYTES_PER_TURN = 4 * INPUT_BYTES_PER_TURN;

/**
 * How long one turn parses input that was left over from earlier turns, after every connection
 * with fresh input had its share: a hundred sockets flooding tiny frames then take a turn of
 * about this long, not one of each of their shares in a row (6 800 frames, 30-110 ms), and a
 * bystander's message, fresh, is parsed in the turn it arrives.
 */
export const INPUT_TURN_MS = 10;

/**
 * A connection's backlog (what it has queued and the socket has not handed to the kernel) past
 * which, while the socket has not drained, the server stops reading from it (see
 * engine-connection.ts): a peer that does not read is not served more, and one that reads a
 * little behind a burst is not held up.
 */
export const BACKLOG_PAUSE_BYTES = 256 * 1024;

/** The GUID RFC 6455 §1.3 appends to Sec-WebSocket-Key to compute Sec-WebSocket-Accept. */
export const RFC6455_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
