/**
 * Bytes and limits of the hixie-75/76 wire format. The defaults the client shares with the
 * router (message size, handshake and close timeouts) come from the package's constants.ts.
 */

/** Opens a text frame (draft-hixie-76 §5.3: `0x00 <utf-8> 0xFF`). */
export const HIXIE_TEXT_FRAME_START = 0x00;

/** Ends a sentinel-delimited frame; never part of valid UTF-8, so no escaping is needed. */
export const HIXIE_FRAME_END = 0xff;

/** A type byte with this bit set starts a length-prefixed frame (draft-hixie-76 §4.2). */
export const HIXIE_LENGTH_PREFIXED_BIT = 0x80;

/** The draft-76 closing handshake: type `0xFF`, length `0x00` (draft-hixie-76 §4.2, §5.3). */
export const HIXIE_CLOSE_FRAME: Readonly<Buffer> = Buffer.from([0xff, 0x00]);

/** Largest handshake response head (status line and headers) the client reads. */
export const HIXIE_MAX_RESPONSE_HEAD_BYTES = 16 * 1024;

/**
 * Most 7-bit groups a length prefix may use. Five groups hold 35 bits, more than any limit
 * here; without a cap, a stream of `0x80` bytes (zero groups with "more" set) would never end.
 */
export const HIXIE_MAX_LENGTH_GROUPS = 5;
