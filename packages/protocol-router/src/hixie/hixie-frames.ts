/**
 * The hixie-75/76 frame codec, both directions (draft-hixie-76 §4.2 for what a client sends and
 * reads, §5.3 for the server; draft-75 frames the same way). The server's draft reader
 * (engines/hixie-reader.ts), the hixie client (client/hixie/hixie-framing.ts) and the load
 * generator all read through `HixieFrameReader`; what they do with a frame is theirs.
 *
 * Two frame shapes share the stream, told apart by the high bit of the type byte:
 * - high bit clear: bytes up to a `0xFF` sentinel. Type `0x00` is a UTF-8 text frame; any other
 *   type is read the same way and discarded. `0xFF` never occurs in UTF-8, so text needs no
 *   escaping.
 * - high bit set: a length in 7-bit groups (high bit = "more groups follow"), then that many
 *   bytes, discarded. Type `0xFF` with length `0` is draft-76's closing handshake; in draft-75
 *   it is just an empty frame, so the reader reports it and leaves the meaning to the caller.
 *
 * Limits: a frame past `maxPayloadBytes` (text buffered, sentinel bytes discarded, or a length
 * announced), or a length of more than five groups, ends the reading with `onTooLarge`; nothing
 * past it is read. An unfinished text frame is kept in one buffer that grows to the limit at
 * most and is dropped after a large frame, so an idle reader holds little.
 */
import {
  HIXIE_FRAME_END,
  HIXIE_LENGTH_PREFIXED_BIT,
  HIXIE_MAX_LENGTH_GROUPS,
  HIXIE_TEXT_FRAME_START,
} from './hixie-constants.js';

/** The length of the draft text frame of `byteLength` UTF-8 bytes: the bytes and two sentinels. */
export function hixieTextFrameLength(byteLength: number): number {
  return byteLength + 2;
}

/**
 * Writes one draft text frame (`0x00`, the UTF-8 bytes, `0xFF`) into `target` at `at`; returns
 * where it ends. `byteLength` is the text's UTF-8 length and `target` has room for it and two.
 */
export function writeHixieTextFrame(
  target: Buffer,
  at: number,
  text: string | Uint8Array,
  byteLength: number,
): number {
  target[at] = HIXIE_TEXT_FRAME_START;
  if (typeof text === 'string') target.write(text, at + 1, byteLength, 'utf8');
  else target.set(text, at + 1);
  target[at + 1 + byteLength] = HIXIE_FRAME_END;
  return at + hixieTextFrameLength(byteLength);
}

/** One draft text frame in a buffer of its own (see writeHixieTextFrame). */
export function encodeHixieTextFrame(
  text: string | Uint8Array,
  byteLength = typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : text.length,
): Buffer {
  const frame = Buffer.allocUnsafe(hixieTextFrameLength(byteLength));
  writeHixieTextFrame(frame, 0, text, byteLength);
  return frame;
}

/** What a HixieFrameReader reports, in stream order. */
export interface HixieFrameSink {
  /** Each frame's exact bytes, before its own callback; only collected when this is set. */
  onFrame?(raw: Buffer): void;
  /**
   * A text frame (type `0x00`): its payload, a view valid only during the call, or null when
   * the reader does not decode.
   */
  onText(payload: Buffer | null): void;
  /** Type `0xFF` with length 0: draft-76's closing handshake, an empty frame in draft-75. */
  onClose(): void;
  /** Any other frame, read to its end and discarded. */
  onSkipped?(type: number): void;
  /** A frame passed the limit; the reader reads nothing more. */
  onTooLarge(reason: string): void;
}

/** Options of a HixieFrameReader. */
export interface HixieFrameReaderOptions {
  /** Largest payload of one frame, in bytes. */
  readonly maxPayloadBytes: number;
  /** Whether text payloads are kept and handed over; default true. */
  readonly decode?: boolean;
}

type ReaderState = 'type' | 'length' | 'skip' | 'text' | 'discard' | 'done';

// An idle reader does not keep a large buffer from its last message.
const KEPT_CAPACITY = 4096;

// Shared by every reader that holds no unfinished frame: nothing is ever written into it.
const EMPTY = Buffer.alloc(0);

/** Turns a byte stream of hixie frames, split anywhere, into callbacks. */
export class HixieFrameReader {
  /** When on, text payloads are kept and handed to the sink; when off, only counted. */
  decode: boolean;
  readonly #sink: HixieFrameSink;
  readonly #max: number;
  #state: ReaderState = 'type';
  #type = 0;
  #length = 0;
  #groups = 0;
  #remaining = 0;
  #buffer = EMPTY;
  #used = 0;
  #rawParts: Buffer[] = [];

  constructor(sink: HixieFrameSink, options: HixieFrameReaderOptions) {
    this.#sink = sink;
    this.#max = options.maxPayloadBytes;
    this.decode = options.decode ?? true;
  }

  /** True once the reader has stopped: `stop()`, or a frame past the limit. */
  get stopped(): boolean {
    return this.#state === 'done';
  }

  /** Reads nothing more from now on, even the rest of a chunk being pushed. */
  stop(): void {
    this.#state = 'done';
    this.#buffer = EMPTY;
    this.#rawParts = [];
  }

  /** Consumes one chunk; returns how many text frames it completed. */
  push(chunk: Uint8Array): number {
    return this.#read(chunk, Number.POSITIVE_INFINITY).texts;
  }

  /**
   * Consumes `chunk` up to the end of its `maxFrames`th complete frame (of any kind); returns
   * how many bytes it consumed. For a server that parses a share of frames at a time.
   */
  pushFrames(chunk: Uint8Array, maxFrames: number): number {
    return this.#read(chunk, maxFrames).consumed;
  }

  #read(chunk: Uint8Array, maxFrames: number): { texts: number; consumed: number } {
    const keepRaw = this.#sink.onFrame !== undefined;
    let frameStart = 0;
    let offset = 0;
    let texts = 0;
    let frames = 0;
    while (offset < chunk.length && this.#state !== 'done' && frames < maxFrames) {
      let complete = false;
      if (this.#state === 'type') {
        this.#startFrame(chunk[offset] ?? 0);
        offset += 1;
      } else if (this.#state === 'length') {
        complete = this.#readLengthGroup(chunk[offset] ?? 0);
        offset += 1;
      } else if (this.#state === 'skip') {
        const take = Math.min(this.#remaining, chunk.length - offset);
        this.#remaining -= take;
        offset += take;
        complete = this.#remaining === 0;
      } else {
        const end = chunk.indexOf(HIXIE_FRAME_END, offset);
        if (!this.#take(chunk, offset, end === -1 ? chunk.length : end)) {
          return { texts, consumed: chunk.length };
        }
        offset = end === -1 ? chunk.length : end + 1;
        complete = end !== -1;
      }
      if (!complete) continue;
      frames += 1;
      if (keepRaw) {
        this.#rawParts.push(Buffer.from(chunk.subarray(frameStart, offset)));
        const raw = Buffer.concat(this.#rawParts);
        this.#rawParts = [];
        frameStart = offset;
        this.#sink.onFrame?.(raw);
      }
      if (this.#finishFrame()) texts += 1;
    }
    if (keepRaw && frameStart < offset && this.#state !== 'done') {
      this.#rawParts.push(Buffer.from(chunk.subarray(frameStart, offset)));
    }
    // A stopped reader takes (and drops) the rest of the chunk.
    return { texts, consumed: this.#state === 'done' ? chunk.length : offset };
  }

  #startFrame(type: number): void {
    this.#type = type;
    this.#length = 0;
    this.#groups = 0;
    this.#used = 0;
    this.#state =
      (type & HIXIE_LENGTH_PREFIXED_BIT) !== 0
        ? 'length'
        : type === HIXIE_TEXT_FRAME_START && this.decode
          ? 'text'
          : 'discard';
  }

  // Returns true when the length is complete and zero: the frame ends with its length.
  #readLengthGroup(byte: number): boolean {
    this.#length = this.#length * 128 + (byte & 0x7f);
    this.#groups += 1;
    if (this.#groups > HIXIE_MAX_LENGTH_GROUPS) {
      this.#fail(`frame length uses more than ${HIXIE_MAX_LENGTH_GROUPS} bytes`);
      return false;
    }
    if (this.#length > this.#max) {
      this.#fail(`frame payload exceeds ${this.#max} bytes`);
      return false;
    }
    if ((byte & 0x80) !== 0) return false;
    if (this.#length === 0) return true;
    this.#remaining = this.#length;
    this.#state = 'skip';
    return false;
  }

  // Adds sentinel-frame bytes: kept for text, counted for the rest (without a view of them,
  // which counting a stream of small frames would pay for); false past the limit.
  #take(chunk: Uint8Array, from: number, to: number): boolean {
    if (this.#used + (to - from) > this.#max) {
      this.#fail(`frame payload exceeds ${this.#max} bytes`);
      return false;
    }
    if (this.#state === 'text') this.#append(chunk.subarray(from, to));
    else this.#used += to - from;
    return true;
  }

  #append(bytes: Uint8Array): void {
    const needed = this.#used + bytes.length;
    if (needed > this.#buffer.length) {
      const capacity = Math.min(this.#max, Math.max(needed, this.#buffer.length * 2, 256));
      const grown = Buffer.allocUnsafe(capacity);
      this.#buffer.copy(grown, 0, 0, this.#used);
      this.#buffer = grown;
    }
    this.#buffer.set(bytes, this.#used);
    this.#used = needed;
  }

  // Ends the frame just read; returns true for a text frame.
  #finishFrame(): boolean {
    const state = this.#state;
    const type = this.#type;
    this.#state = 'type';
    if (state === 'text') {
      const payload = this.#buffer.subarray(0, this.#used);
      this.#used = 0;
      this.#sink.onText(payload);
      if (this.#buffer.length > KEPT_CAPACITY) this.#buffer = EMPTY;
      return true;
    }
    this.#used = 0;
    if (type === HIXIE_TEXT_FRAME_START) {
      this.#sink.onText(null);
      return true;
    }
    if (type === 0xff && this.#length === 0) this.#sink.onClose();
    else this.#sink.onSkipped?.(type);
    return false;
  }

  #fail(reason: string): void {
    this.stop();
    this.#sink.onTooLarge(reason);
  }
}
