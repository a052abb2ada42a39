/**
 * The arithmetic of every opening handshake, worked step by step for the handshake inspector,
 * so that the page can show each step and check its own result against what the server sent.
 *
 * - draft-hixie-76 §4.1 steps 17-26 and §5.2: each of `Sec-WebSocket-Key1` and `-Key2` hides a
 *   number. Its digits, read in order, make one number; divided by the count of spaces in the
 *   key it gives a 32-bit quotient (the division must be exact). The two quotients, big-endian,
 *   then the 8 bytes of key3 make 16 bytes, and their MD5 is the 16-byte answer the server sends
 *   after its response headers.
 * - RFC 6455 §1.3 and §4.2.2 step 5.4 (hybi-07 and -08 the same): `Sec-WebSocket-Accept` is
 *   base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")).
 *
 * MD5 is not in Web Crypto, and Web Crypto itself is missing from pages served over plain HTTP
 * from a classroom's LAN address (it needs a secure context), so both hashes come from
 * @noble/hashes, audited and without dependencies, which works everywhere and synchronously.
 */
import { md5, sha1 } from '@noble/hashes/legacy.js';

/** The GUID every hybi and RFC 6455 server appends to the key (RFC 6455 §1.3). */
export const RFC6455_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Largest quotient a key may hide: 32 bits (draft-hixie-76 §4.1 step 17). */
const MAX_QUOTIENT = 0xffff_ffff;

/** Bytes of key3, and of the answer. */
export const KEY3_BYTES = 8;
export const ANSWER_BYTES = 16;

/** One draft-76 key worked through. */
export interface Draft76KeyWork {
  readonly key: string;
  /** The key's digits, in order. */
  readonly digits: string;
  /** The number they make. */
  readonly number: number;
  /** How many spaces (U+0020) the key holds. */
  readonly spaces: number;
  /** number / spaces when it is an exact 32-bit quotient; null otherwise (the server refuses). */
  readonly quotient: number | null;
}

/** Works one Sec-WebSocket-Key1/Key2 value. */
export function workDraft76Key(key: string): Draft76KeyWork {
  const digits = key.replace(/[^0-9]/g, '');
  const number = digits === '' ? 0 : Number(digits);
  const spaces = key.split(' ').length - 1;
  const exact = spaces > 0 && Number.isSafeInteger(number) && number % spaces === 0;
  const quotient = exact ? number / spaces : null;
  return {
    key,
    digits,
    number,
    spaces,
    quotient: quotient !== null && quotient <= MAX_QUOTIENT ? quotient : null,
  };
}

/** The whole draft-76 challenge worked through. */
export interface Draft76Work {
  readonly key1: Draft76KeyWork;
  readonly key2: Draft76KeyWork;
  readonly key3: Uint8Array;
  /** The 16 bytes hashed: quotient 1 and 2 big-endian, then key3; null when a key is bad. */
  readonly challenge: Uint8Array | null;
  /** MD5 of the challenge: the answer the server must send; null when a key is bad. */
  readonly answer: Uint8Array | null;
}

/** Computes the draft-76 answer from the two keys and key3, step by step. */
export function workDraft76(key1: string, key2: string, key3: Uint8Array): Draft76Work {
  const first = workDraft76Key(key1);
  const second = workDraft76Key(key2);
  if (first.quotient === null || second.quotient === null || key3.length !== KEY3_BYTES) {
    return { key1: first, key2: second, key3, challenge: null, answer: null };
  }
  const challenge = new Uint8Array(8 + KEY3_BYTES);
  const view = new DataView(challenge.buffer);
  view.setUint32(0, first.quotient);
  view.setUint32(4, second.quotient);
  challenge.set(key3, 8);
  return { key1: first, key2: second, key3, challenge, answer: md5(challenge) };
}

/** The hybi and RFC 6455 accept worked through. */
export interface AcceptWork {
  readonly key: string;
  /** key + GUID, the text hashed. */
  readonly concatenated: string;
  /** Its SHA-1, 20 bytes. */
  readonly digest: Uint8Array;
  /** base64 of the digest: the Sec-WebSocket-Accept the server must send. */
  readonly accept: string;
}

/** Computes Sec-WebSocket-Accept for a key, step by step. */
export function workAccept(key: string): AcceptWork {
  const concatenated = key + RFC6455_GUID;
  const digest = sha1(new TextEncoder().encode(concatenated));
  return { key, concatenated, digest, accept: encodeBase64(digest) };
}

/** base64 of bytes, as headers and `wire` messages carry them. */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** True when two byte arrays hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
