/**
 * Bytes and limits of the hixie-75/76 client. They live beside the client rather than in the
 * package's constants file so that the client stays one self-contained folder a reader can study.
 */

/** Opens a text frame (draft-hixie-76 §5.3: `0x00 <utf-8> 0xFF`). */
export const HIXIE_TEXT_FRAME_START = 0x00;

/** Ends a sentinel-delimited frame; never part of valid UTF-8, so no escaping is needed. */
export const HIXIE_FRAME_END = 0xff;

/** A type byte with this bit set starts a length-prefixed frame (draft-hixie-76 §4.2). */
export const HIXIE_LENGTH_PREFIXED_BIT = 0x80;

/** The draft-76 closing handshake: type `0xFF`, length `0x00` (draft-hixie-76 §4.2, §5.3). */
export const HIXIE_CLOSE_FRAME: Readonly<Buffer> = Buffer.from([0xff, 0x00]);

/** Default largest frame payload, in bytes, the client accepts (PROTOCOL.md: 64 KiB). */
export const HIXIE_DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

/** Default time allowed from connecting until the handshake is verified (PROTOCOL.md: 5 s). */
export const HIXIE_DEFAULT_HANDSHAKE_TIMEOUT_MS = 5000;

/** Default time `close()` waits for the server's half of the closing before destroying the socket. */
export const HIXIE_DEFAULT_CLOSE_TIMEOUT_MS = 2000;

/** Largest handshake response head (status line and headers) the client reads. */
export const HIXIE_MAX_RESPONSE_HEAD_BYTES = 16 * 1024;

/**
 * Most 7-bit groups a length prefix may use. Five groups hold 35 bits, more than any limit
 * here; without a cap, a stream of `0x80` bytes (zero groups with "more" set) would never end.
 */
export const HIXIE_MAX_LENGTH_GROUPS = 5;

/** Bytes of the draft-76 server's answer to the key challenge, sent after its headers (§5.2). */
export const HIXIE_DRAFT76_ANSWER_LENGTH = 16;
