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

/** Longest `say` text, in code points after trimming. Longer text is answered with `too_large`. */
export const TEXT_MAX_CODE_POINTS = 2000;

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

/** Messages dropped in a row for rate that close the connection with 1008. */
export const DEFAULT_RATE_DROPS_BEFORE_CLOSE = 200;

/** Default handshake timeout, in milliseconds. */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5000;

/** Counts Unicode code points, so a surrogate pair (an emoji) counts as one character. */
export function countCodePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
