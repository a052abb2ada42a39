/**
 * Limits and defaults of the wire contract (docs/PROTOCOL.md, "Limits and defaults").
 * Every package reads them from here; none repeats them as literals.
 */

/** A room name: lower-case letters, digits, `_` and `-`, starting with a letter or digit, 1 to 32 long. */
export const ROOM_PATTERN = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** Longest nick, in Unicode code points after trimming. */
export const NICK_MAX_CODE_POINTS = 24;

/** Longest `client` id, in code points. */
export const CLIENT_ID_MAX_CODE_POINTS = 64;

/** Longest `say` id, in code points. */
export const MESSAGE_ID_MAX_CODE_POINTS = 64;

/** Longest `say` text, in code points as sent (not trimmed). Longer text is answered with `too_large`. */
export const TEXT_MAX_CODE_POINTS = 2000;

/** Longest `say` text in UTF-8 bytes: what 2000 code points of four bytes each can take. */
export const TEXT_MAX_BYTES = 4 * TEXT_MAX_CODE_POINTS;

/** Longest `t` string a `ping` may carry (numbers are always allowed). */
export const PING_TOKEN_MAX_LENGTH = 64;

/** Default largest frame and reassembled message, in bytes. */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

/** Default number of history messages in a `welcome`. */
export const DEFAULT_WELCOME_HISTORY = 50;

/** Default number of messages retained per room. */
export const DEFAULT_RETAINED_HISTORY = 1000;

/** Default sustained rate, in messages a second per connection. */
export const DEFAULT_RATE_PER_SECOND = 20;

/** Default burst, in messages, of the per-connection token bucket. */
export const DEFAULT_RATE_BURST = 40;

/** Messages dropped for rate within `DEFAULT_RATE_DROP_WINDOW_MS` that close the connection with 1008. */
export const DEFAULT_RATE_DROPS_BEFORE_CLOSE = 200;

/** The window in which rate drops are counted. */
export const DEFAULT_RATE_DROP_WINDOW_MS = 10_000;

/** At most one `rate_limited` error per this many milliseconds, however many messages are dropped. */
export const RATE_LIMITED_ERROR_INTERVAL_MS = 1000;

/** Default bound, in bytes, of the history in one `welcome` or one `history` answer. */
export const DEFAULT_HISTORY_PAGE_BYTES = 256 * 1024;

/** Default most members one room takes; one more `join` is answered with `room_full`. */
export const DEFAULT_MAX_ROOM_MEMBERS = 2000;

/** Default time a connection has to send its `join`, from when it opened. */
export const DEFAULT_JOIN_TIMEOUT_MS = 10_000;

/** Default handshake timeout, in milliseconds. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5000;

/** Counts Unicode code points, so a surrogate pair (an emoji) counts as one character. */
export function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/**
 * Whether `text` has at most `maxCodePoints` code points and `maxBytes` bytes in UTF-8, walked
 * once and left as soon as either is passed (a 60 KB text is not walked to its end). A lone
 * surrogate counts as one code point of three bytes, as it is encoded (as U+FFFD).
 */
export function fitsText(text: string, maxCodePoints: number, maxBytes: number): boolean {
  // No UTF-16 unit is more than one code point or three bytes (a pair is one code point of
  // four), so a text this short fits without being walked: every chat line but the longest.
  if (text.length <= maxCodePoints && text.length * 3 <= maxBytes) return true;
  let codePoints = 0;
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
    codePoints += 1;
    if (codePoints > maxCodePoints || bytes > maxBytes) return false;
  }
  return true;
}
