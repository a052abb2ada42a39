/**
 * The draft-76 handshake keys (draft-hixie-thewebsocketprotocol-76 §4.1 steps 17-22 for the
 * client, §5.2 for the server).
 *
 * A key hides a 32-bit number: the client picks a number and a count of spaces (1-12),
 * multiplies them, writes the product's digits, sprinkles in 1-12 random non-digit characters
 * and the spaces. The server collects the digits, counts the spaces, and divides. A request
 * whose number is not a whole multiple of its spaces was not made by a draft-76 client, which is
 * why the router answers it with 400 before any engine sees it (faye's driver would throw, or
 * divide by zero, mid-handshake). The answer to the challenge is
 * MD5(part1 as 32-bit big-endian || part2 as 32-bit big-endian || the 8-byte key3 body).
 */
import { createHash, randomInt } from 'node:crypto';

/** The largest number a key may carry: the product has to fit 32 bits (§4.1 step 19). */
export const DRAFT76_MAX_KEY_NUMBER = 0xffff_ffff;

/** Bytes in the key3 body that follows the request headers. */
export const DRAFT76_KEY3_LENGTH = 8;

/** The most significant digits a number within 32 bits can have (4294967295). */
const MAX_KEY_DIGITS = 10;

/**
 * Reads the 32-bit part hidden in a Sec-WebSocket-Key1/Key2 value, or null when the key is
 * malformed: no digits, no spaces, a character that is not printable ASCII or space (what a
 * draft-76 client writes, §4.1 steps 20-21), a number past 32 bits, or a number that is not a
 * whole multiple of its spaces. One pass over the characters: it runs on every draft-76
 * handshake, twice.
 */
export function parseDraft76Key(key: string): number | null {
  let keyNumber = 0;
  let digits = 0;
  let significant = 0;
  let spaces = 0;
  for (let i = 0; i < key.length; i += 1) {
    const code = key.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return null;
    if (code === 0x20) {
      spaces += 1;
    } else if (code >= 0x30 && code <= 0x39) {
      digits += 1;
      // Leading zeros add nothing; past ten significant digits the number cannot fit 32 bits,
      // and stopping there keeps every sum below 2^53, where a Number is exact.
      if (significant > 0 || code !== 0x30) {
        significant += 1;
        if (significant > MAX_KEY_DIGITS) return null;
        keyNumber = keyNumber * 10 + (code - 0x30);
      }
    }
  }
  if (digits === 0 || spaces === 0) return null;
  if (keyNumber > DRAFT76_MAX_KEY_NUMBER || keyNumber % spaces !== 0) return null;
  return keyNumber / spaces;
}

/** The 16-byte answer a draft-76 server sends after its response headers (§5.2). */
export function computeDraft76Answer(part1: number, part2: number, key3: Uint8Array): Buffer {
  if (key3.length !== DRAFT76_KEY3_LENGTH) throw new RangeError('key3 must be 8 bytes');
  const challenge = Buffer.alloc(8 + DRAFT76_KEY3_LENGTH);
  challenge.writeUInt32BE(part1, 0);
  challenge.writeUInt32BE(part2, 4);
  challenge.set(key3, 8);
  return createHash('md5').update(challenge).digest();
}

/** Computes the answer straight from the two header values and key3, or null for a bad key. */
export function answerDraft76Challenge(
  key1: string,
  key2: string,
  key3: Uint8Array,
): Buffer | null {
  const part1 = parseDraft76Key(key1);
  const part2 = parseDraft76Key(key2);
  if (part1 === null || part2 === null) return null;
  return computeDraft76Answer(part1, part2, key3);
}

// U+0021-U+002F and U+003A-U+007E: the non-digit characters §4.1 step 20 inserts.
const NOISE_CHARACTERS = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) =>
  String.fromCharCode(0x21 + i),
).filter((c) => c < '0' || c > '9');

function insertAt(text: string, index: number, insert: string): string {
  return text.slice(0, index) + insert + text.slice(index);
}

/** A fresh client key and the part the server should find in it (§4.1 steps 17-22). */
export interface Draft76Key {
  readonly key: string;
  readonly part: number;
}

/** Generates a Sec-WebSocket-Key1/Key2 value the way a draft-76 client must. */
export function createDraft76Key(): Draft76Key {
  const spaces = randomInt(1, 13);
  const max = Math.floor(DRAFT76_MAX_KEY_NUMBER / spaces);
  const part = randomInt(0, max + 1);
  let key = String(part * spaces);
  const noise = randomInt(1, 13);
  for (let i = 0; i < noise; i += 1) {
    const c = NOISE_CHARACTERS[randomInt(NOISE_CHARACTERS.length)] ?? '!';
    key = insertAt(key, randomInt(key.length + 1), c);
  }
  for (let i = 0; i < spaces; i += 1) {
    // Never first or last (§4.1 step 21): a header value's edges are trimmed on the way.
    key = insertAt(key, randomInt(1, key.length), ' ');
  }
  return { key, part };
}

/** Eight random bytes for the key3 body. */
export function createDraft76Key3(): Buffer {
  return Buffer.from(Array.from({ length: DRAFT76_KEY3_LENGTH }, () => randomInt(256)));
}
