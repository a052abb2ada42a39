/**
 * How the hixie client reads what a hixie-75/76 server sends (draft-hixie-76 §4.2, "Data
 * framing", client side): the package's frame codec (hixie/hixie-frames.ts, which the server's
 * draft reader uses too) with the client's two rules on top.
 *
 * - Every frame comes with its exact raw bytes, so a relay can show what crossed the wire.
 *   Input may be split anywhere, down to one byte per chunk. The closing handshake (type
 *   `0xFF`, length 0) is reported as a `close` frame in either draft; what it means is the
 *   client's call.
 * - Size: no frame may carry more than `maxMessageBytes` payload bytes (length-prefixed ones
 *   included, since their raw bytes are kept too): `too_large` on the chunk that crosses the
 *   limit, never buffering past it.
 * - Invalid UTF-8: draft-hixie-76 §4.3 has a client decode it with replacement characters,
 *   which hides a broken peer. The client fails with `invalid_utf8` instead, as RFC 6455 §8.1
 *   does (and as our server does with a draft client's text, engines/hixie-reader.ts); it never
 *   returns text containing a U+FFFD that was not sent.
 * After a failure the stream cannot be trusted, so every later `push()` throws the same error.
 */
import { isUtf8 } from 'node:buffer';
import { DEFAULT_MAX_MESSAGE_BYTES } from '../../constants.js';
import { HixieFrameReader } from '../../hixie/hixie-frames.js';
import { HixieError } from './hixie-errors.js';

/** One complete frame read from a hixie server, with the exact bytes it took on the wire. */
export type HixieFrame =
  | { readonly kind: 'text'; readonly text: string; readonly raw: Buffer }
  | { readonly kind: 'close'; readonly raw: Buffer }
  | { readonly kind: 'skipped'; readonly type: number; readonly raw: Buffer };

/** How much the client's frame parser accepts. */
export interface HixieFrameParserOptions {
  /** Largest payload of one frame, in bytes; default 64 KiB. */
  maxMessageBytes?: number;
}

/** Turns a byte stream from a hixie server into frames, whatever the chunk boundaries. */
export class HixieFrameParser {
  /** Largest payload of one frame, in bytes. */
  readonly maxMessageBytes: number;
  readonly #reader: HixieFrameReader;
  // The frames of the chunk being pushed, and the raw bytes of the frame about to be reported.
  #frames: HixieFrame[] = [];
  #raw: Buffer = Buffer.alloc(0);
  #error: HixieError | undefined;

  constructor(options: HixieFrameParserOptions = {}) {
    const max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    if (!Number.isSafeInteger(max) || max < 1) {
      throw new HixieError('invalid_options', `maxMessageBytes must be a positive integer`);
    }
    this.maxMessageBytes = max;
    this.#reader = new HixieFrameReader(
      {
        onFrame: (raw) => {
          this.#raw = raw;
        },
        onText: (payload) => {
          const bytes = payload ?? Buffer.alloc(0);
          if (!isUtf8(bytes)) {
            this.#fail('invalid_utf8', 'text frame is not valid UTF-8');
            return;
          }
          this.#frames.push({ kind: 'text', text: bytes.toString('utf8'), raw: this.#raw });
        },
        onClose: () => this.#frames.push({ kind: 'close', raw: this.#raw }),
        onSkipped: (type) => this.#frames.push({ kind: 'skipped', type, raw: this.#raw }),
        onTooLarge: (reason) => this.#fail('too_large', reason),
      },
      { maxPayloadBytes: max },
    );
  }

  /**
   * Feeds one chunk and yields each frame it completes. Throws a HixieError (`too_large` or
   * `invalid_utf8`) after yielding every frame completed before the offending byte.
   */
  *push(chunk: Uint8Array): Generator<HixieFrame, void, undefined> {
    if (this.#error) throw this.#error;
    this.#reader.push(chunk);
    const frames = this.#frames;
    this.#frames = [];
    yield* frames;
    if (this.#error) throw this.#error;
  }

  #fail(code: 'too_large' | 'invalid_utf8', message: string): void {
    this.#reader.stop();
    this.#error = new HixieError(code, message);
  }
}
