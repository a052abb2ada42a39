/**
 * A streaming parser for the frames a hixie-75/76 server sends (draft-hixie-76 §4.2, "Data
 * framing", client side; draft-75 frames the same way).
 *
 * Two frame shapes share the stream, told apart by the high bit of the type byte:
 *
 * - high bit clear: bytes up to a `0xFF` sentinel. Type `0x00` is a UTF-8 text frame; any other
 *   type is read the same way and discarded. `0xFF` never occurs in UTF-8, so text needs no
 *   escaping.
 * - high bit set: a length in 7-bit groups (high bit = "more groups follow"), then that many
 *   bytes, which are discarded. Type `0xFF` with length `0` is the draft-76 closing handshake.
 *   The parser reports it as a `close` frame in either draft; what it means is the client's call.
 *
 * Every frame comes with its exact raw bytes, so a relay can show what crossed the wire.
 * Input may be split anywhere, down to one byte per chunk.
 *
 * Two rules the drafts leave open, and how this parser settles them:
 * - Size: no frame may carry more than `maxMessageBytes` payload bytes (length-prefixed ones
 *   included, since their raw bytes are kept too). The parser fails with `too_large` on the byte
 *   that crosses the limit, never buffering past it.
 * - Invalid UTF-8: the drafts decode text with replacement characters, which hides a broken peer.
 *   This parser fails with `invalid_utf8` instead (as RFC 6455 §8.1 does); it never returns text
 *   containing a U+FFFD that was not sent.
 * After a failure the stream cannot be trusted, so every later `push()` throws the same error.
 */
import { isUtf8 } from 'node:buffer';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../constants.js';
import {
  HIXIE_FRAME_END,
  HIXIE_LENGTH_PREFIXED_BIT,
  HIXIE_MAX_LENGTH_GROUPS,
  HIXIE_TEXT_FRAME_START,
} from './hixie-constants.js';
import { HixieError } from './hixie-errors.js';

/** One complete frame read from a hixie server, with the exact bytes it took on the wire. */
export type HixieFrame =
  | { readonly kind: 'text'; readonly text: string; readonly raw: Buffer }
  | { readonly kind: 'close'; readonly raw: Buffer }
  | { readonly kind: 'skipped'; readonly type: number; readonly raw: Buffer };

/** Options of the frame parser. */
export interface HixieFrameParserOptions {
  /** Largest payload of one frame, in bytes; default 64 KiB. */
  maxMessageBytes?: number;
}

type ParserState = 'type' | 'length' | 'skip' | 'sentinel';

/** Turns a byte stream from a hixie server into frames, whatever the chunk boundaries. */
export class HixieFrameParser {
  /** Largest payload of one frame, in bytes. */
  readonly maxMessageBytes: number;
  #state: ParserState = 'type';
  #type = 0;
  #length = 0;
  #groups = 0;
  #remaining = 0;
  #payloadBytes = 0;
  #raw: Uint8Array[] = [];
  #error: HixieError | undefined;

  constructor(options: HixieFrameParserOptions = {}) {
    const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new HixieError('invalid_options', `maxMessageBytes must be a positive integer`);
    }
    this.maxMessageBytes = max;
  }

  /**
   * Feeds one chunk and yields each frame as soon as its last byte is read. Throws a
   * HixieError (`too_large` or `invalid_utf8`) after yielding every frame completed before the
   * offending byte. Stopping the iteration early abandons the rest of the chunk.
   */
  *push(chunk: Uint8Array): Generator<HixieFrame, void, undefined> {
    if (this.#error) throw this.#error;
    let offset = 0;
    while (offset < chunk.length) {
      const from = offset;
      let complete = false;
      switch (this.#state) {
        case 'type':
          this.#startFrame(chunk[offset] ?? 0);
          offset += 1;
          break;
        case 'length':
          complete = this.#readLengthGroup(chunk[offset] ?? 0);
          offset += 1;
          break;
        case 'skip': {
          const take = Math.min(this.#remaining, chunk.length - offset);
          this.#remaining -= take;
          offset += take;
          complete = this.#remaining === 0;
          break;
        }
        case 'sentinel': {
          const end = chunk.indexOf(HIXIE_FRAME_END, offset);
          const payloadEnd = end === -1 ? chunk.length : end;
          this.#payloadBytes += payloadEnd - offset;
          this.#checkSize(this.#payloadBytes);
          complete = end !== -1;
          offset = complete ? end + 1 : payloadEnd;
          break;
        }
      }
      this.#raw.push(chunk.subarray(from, offset));
      if (complete) yield this.#finishFrame();
    }
  }

  #startFrame(type: number): void {
    this.#type = type;
    this.#length = 0;
    this.#groups = 0;
    this.#payloadBytes = 0;
    this.#state = (type & HIXIE_LENGTH_PREFIXED_BIT) !== 0 ? 'length' : 'sentinel';
  }

  // Returns true when the length is complete and zero: the frame ends with its length.
  #readLengthGroup(byte: number): boolean {
    this.#length = this.#length * 128 + (byte & 0x7f);
    this.#groups += 1;
    this.#checkSize(this.#length);
    if ((byte & 0x80) !== 0) {
      if (this.#groups >= HIXIE_MAX_LENGTH_GROUPS) {
        this.#fail('too_large', `frame length uses more than ${HIXIE_MAX_LENGTH_GROUPS} bytes`);
      }
      return false;
    }
    if (this.#length === 0) return true;
    this.#remaining = this.#length;
    this.#state = 'skip';
    return false;
  }

  #checkSize(bytes: number): void {
    if (bytes > this.maxMessageBytes) {
      this.#fail('too_large', `frame payload exceeds ${this.maxMessageBytes} bytes`);
    }
  }

  #finishFrame(): HixieFrame {
    // concat copies, so a frame never aliases a chunk the caller might reuse.
    const raw = Buffer.concat(this.#raw);
    this.#raw = [];
    this.#state = 'type';
    const type = this.#type;
    if ((type & HIXIE_LENGTH_PREFIXED_BIT) !== 0) {
      return type === 0xff && this.#length === 0
        ? { kind: 'close', raw }
        : { kind: 'skipped', type, raw };
    }
    if (type !== HIXIE_TEXT_FRAME_START) return { kind: 'skipped', type, raw };
    const payload = raw.subarray(1, raw.length - 1);
    if (!isUtf8(payload)) this.#fail('invalid_utf8', 'text frame is not valid UTF-8');
    return { kind: 'text', text: payload.toString('utf8'), raw };
  }

  #fail(code: 'too_large' | 'invalid_utf8', message: string): never {
    this.#raw = [];
    this.#error = new HixieError(code, message);
    throw this.#error;
  }
}
