/**
 * hybi framing (RFC 6455 §5; hybi-07 and hybi-08 frame the same way): the one frame builder of
 * the package, for the server's unmasked frames and a client's masked ones, and the client side's
 * streaming reader of the server's frames.
 *
 * The reader is built for the load generator first, where it must not be the bottleneck: with
 * `decode` off it walks frame headers and skips payloads (one small header read per frame, no
 * copy), and it copies a payload only when `decode` is on or for a control frame. Fragmented
 * messages (§5.4) count once, at their final frame; control frames (§5.5) may sit between
 * fragments, so they are collected apart from the data parts. Every chunk may be a buffer the
 * caller reuses after `push()` returns: whatever the reader keeps is copied.
 */
import { randomFillSync } from 'node:crypto';

/** RFC 6455 §5.2 opcodes. */
export const HYBI_OPCODES = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

/** Bytes in a masking key (§5.3). */
const MASK_LENGTH = 4;

// Masking keys are cut from a pool refilled in bulk: one randomFillSync call per 1024 frames
// instead of one per frame. §10.3 wants keys a proxy cannot predict, not a CSPRNG call each.
const maskPool = Buffer.alloc(MASK_LENGTH * 1024);
let maskOffset = maskPool.length;

function nextMask(): Buffer {
  if (maskOffset === maskPool.length) {
    randomFillSync(maskPool);
    maskOffset = 0;
  }
  const mask = maskPool.subarray(maskOffset, maskOffset + MASK_LENGTH);
  maskOffset += MASK_LENGTH;
  return mask;
}

/** How a frame is laid out besides its opcode and payload. */
export interface HybiFrameOptions {
  /** The FIN bit: false for every fragment but the last (§5.4); default true. */
  readonly fin?: boolean;
  /** RSV1-3 as a 3-bit number; default 0 (no extension negotiated). */
  readonly rsv?: number;
  /**
   * The masking key: 4 bytes, `true` for a fresh unpredictable one (every client frame, §5.3),
   * or `false` (the default) for an unmasked frame, as a server sends (§5.1).
   */
  readonly mask?: Uint8Array | boolean;
}

// Bytes of extended payload length after the first two header bytes (§5.2): none up to 125,
// a 16-bit length up to 65535, a 64-bit one beyond.
function extendedLengthBytes(length: number): 0 | 2 | 8 {
  return length < 126 ? 0 : length < 0x10000 ? 2 : 8;
}

// Writes the first byte, the mask bit and the payload length at `at`; returns where the key or
// payload goes.
function writeHybiHeader(
  frame: Buffer,
  at: number,
  firstByte: number,
  maskBit: number,
  length: number,
  lengthBytes: 0 | 2 | 8,
): number {
  frame[at] = firstByte;
  if (lengthBytes === 0) {
    frame[at + 1] = maskBit | length;
  } else if (lengthBytes === 2) {
    frame[at + 1] = maskBit | 126;
    frame.writeUInt16BE(length, at + 2);
  } else {
    frame[at + 1] = maskBit | 127;
    frame.writeBigUInt64BE(BigInt(length), at + 2);
  }
  return at + 2 + lengthBytes;
}

/** Lays out one hybi frame (RFC 6455 §5.2). */
export function encodeHybiFrame(
  opcode: number,
  payload: Uint8Array,
  options: HybiFrameOptions = {},
): Buffer {
  const { fin = true, rsv = 0 } = options;
  const mask =
    options.mask === true ? nextMask() : options.mask === false ? undefined : options.mask;
  const length = payload.length;
  const lengthBytes = extendedLengthBytes(length);
  const headerLength = 2 + lengthBytes + (mask === undefined ? 0 : MASK_LENGTH);
  const frame = Buffer.allocUnsafe(headerLength + length);
  const keyAt = writeHybiHeader(
    frame,
    0,
    (fin ? 0x80 : 0) | ((rsv & 0b111) << 4) | (opcode & 0x0f),
    mask === undefined ? 0 : 0x80,
    length,
    lengthBytes,
  );
  if (mask === undefined) {
    frame.set(payload, headerLength);
    return frame;
  }
  frame.set(mask.subarray(0, MASK_LENGTH), keyAt);
  for (let i = 0; i < length; i += 1) {
    frame[headerLength + i] = (payload[i] ?? 0) ^ (mask[i & 3] ?? 0);
  }
  return frame;
}

/** The length of the unmasked text frame (`encodeHybiTextFrame`) of `byteLength` UTF-8 bytes. */
export function hybiTextFrameLength(byteLength: number): number {
  return 2 + extendedLengthBytes(byteLength) + byteLength;
}

/**
 * Writes one unmasked, unfragmented text frame as a server sends it (§5.1, §5.6) into `target`
 * at `at`, encoding `text` straight behind its header; returns where the frame ends.
 * `byteLength` is the text's UTF-8 length and `target` has room for the frame.
 */
export function writeHybiTextFrame(
  target: Buffer,
  at: number,
  text: string,
  byteLength: number,
): number {
  const lengthBytes = extendedLengthBytes(byteLength);
  const payloadAt = writeHybiHeader(
    target,
    at,
    0x80 | HYBI_OPCODES.text,
    0,
    byteLength,
    lengthBytes,
  );
  target.write(text, payloadAt, byteLength, 'utf8');
  return payloadAt + byteLength;
}

/** One unmasked text frame as a server sends it, in a buffer of its own (see writeHybiTextFrame). */
export function encodeHybiTextFrame(
  text: string,
  byteLength = Buffer.byteLength(text, 'utf8'),
): Buffer {
  const frame = Buffer.allocUnsafe(hybiTextFrameLength(byteLength));
  writeHybiTextFrame(frame, 0, text, byteLength);
  return frame;
}

/** Why a HybiFrameReader gave up on a stream. */
export class HybiFrameError extends Error {
  /** `masked`: a server frame was masked (§5.1); `too_large`: a message passed the limit. */
  readonly code: 'masked' | 'too_large';

  constructor(code: 'masked' | 'too_large', message: string) {
    super(message);
    this.name = 'HybiFrameError';
    this.code = code;
  }
}

/** What a HybiFrameReader reports besides the count `push()` returns. */
export interface HybiFrameSink {
  /** Each frame's exact bytes, before its own callback; only collected when this is set. */
  onFrame?(raw: Buffer): void;
  /** A whole data message (fragments joined), only while the reader decodes. */
  onMessage(opcode: number, payload: Buffer): void;
  /** A close, ping or pong frame (§5.5), always delivered. */
  onControl(opcode: number, payload: Buffer): void;
}

/** Options of a HybiFrameReader. */
export interface HybiFrameReaderOptions {
  /** Whether data payloads are copied and handed to the sink; default true. */
  readonly decode?: boolean;
  /** Largest data message, fragments together; past it `push()` throws. Default: no limit. */
  readonly maxMessageBytes?: number;
}

// The parts of a payload as one buffer; the parts are already copies, so one part is reused.
function joinParts(parts: readonly Buffer[]): Buffer {
  return parts.length === 1 && parts[0] !== undefined ? parts[0] : Buffer.concat(parts);
}

/** Reads the server-to-client side of a hybi or RFC 6455 connection. */
export class HybiFrameReader {
  /** When on, data payloads are copied and handed to the sink; when off, only counted. */
  decode: boolean;
  readonly #sink: HybiFrameSink;
  readonly #maxMessageBytes: number;
  // Header bytes cut off at the end of the previous chunk.
  #head: Buffer | null = null;
  #remaining = 0;
  #opcode = 0;
  #fin = false;
  #collect = false;
  // Opcode of the data message whose fragments are arriving (0 when none), and its size so far.
  #messageOpcode = 0;
  #messageBytes = 0;
  #dataParts: Buffer[] = [];
  #controlParts: Buffer[] = [];
  #rawParts: Buffer[] = [];

  constructor(sink: HybiFrameSink, options: HybiFrameReaderOptions = {}) {
    this.#sink = sink;
    this.decode = options.decode ?? true;
    this.#maxMessageBytes = options.maxMessageBytes ?? Number.POSITIVE_INFINITY;
  }

  /**
   * Consumes one chunk; returns how many text messages it completed. Throws a HybiFrameError on
   * a masked frame (§5.1) or a message past the limit: the stream cannot be read further.
   */
  push(chunk: Buffer): number {
    let data = chunk;
    if (this.#head !== null) {
      data = Buffer.concat([this.#head, chunk]);
      this.#head = null;
    }
    const end = data.length;
    const keepRaw = this.#sink.onFrame !== undefined;
    let frameStart = 0;
    let pos = 0;
    let texts = 0;
    while (pos < end) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, end - pos);
        if (this.#collect) this.#parts().push(Buffer.from(data.subarray(pos, pos + take)));
        pos += take;
        this.#remaining -= take;
        if (this.#remaining > 0) break;
      } else {
        const headerEnd = this.#readHeader(data, pos);
        if (headerEnd < 0) {
          this.#head = Buffer.from(data.subarray(pos));
          if (keepRaw) frameStart = end;
          break;
        }
        pos = headerEnd;
        if (this.#remaining > 0) continue;
      }
      if (keepRaw) {
        this.#rawParts.push(data.subarray(frameStart, pos));
        this.#sink.onFrame?.(Buffer.concat(this.#rawParts));
        this.#rawParts = [];
        frameStart = pos;
      }
      texts += this.#finishFrame();
    }
    if (keepRaw && frameStart < end) this.#rawParts.push(Buffer.from(data.subarray(frameStart)));
    return texts;
  }

  // Reads the header at `pos`; returns where the payload starts, or -1 when it is incomplete.
  #readHeader(data: Buffer, pos: number): number {
    if (data.length - pos < 2) return -1;
    const b0 = data[pos] ?? 0;
    const b1 = data[pos + 1] ?? 0;
    if ((b1 & 0x80) !== 0)
      throw new HybiFrameError('masked', 'server sent a masked frame (RFC 6455 §5.1)');
    let length = b1 & 0x7f;
    const headerLength = length === 126 ? 4 : length === 127 ? 10 : 2;
    if (data.length - pos < headerLength) return -1;
    if (length === 126) length = data.readUInt16BE(pos + 2);
    else if (length === 127)
      length = data.readUInt32BE(pos + 2) * 2 ** 32 + data.readUInt32BE(pos + 6);
    this.#fin = (b0 & 0x80) !== 0;
    this.#opcode = b0 & 0x0f;
    if (this.#opcode >= HYBI_OPCODES.close) {
      this.#collect = true;
    } else {
      if (this.#opcode !== HYBI_OPCODES.continuation) {
        this.#messageOpcode = this.#opcode;
        this.#messageBytes = 0;
      }
      this.#messageBytes += length;
      if (this.#messageBytes > this.#maxMessageBytes) {
        throw new HybiFrameError('too_large', `message exceeds ${this.#maxMessageBytes} bytes`);
      }
      this.#collect = this.decode && this.#messageOpcode !== 0;
    }
    this.#remaining = length;
    return pos + headerLength;
  }

  #parts(): Buffer[] {
    return this.#opcode >= HYBI_OPCODES.close ? this.#controlParts : this.#dataParts;
  }

  // Ends the current frame; returns 1 when it completed a text message.
  #finishFrame(): number {
    const opcode = this.#opcode;
    if (opcode >= HYBI_OPCODES.close) {
      const payload = joinParts(this.#controlParts);
      this.#controlParts = [];
      this.#sink.onControl(opcode, payload);
      return 0;
    }
    if (!this.#fin) return 0;
    const messageOpcode = this.#messageOpcode;
    this.#messageOpcode = 0;
    const payload = this.#collect ? joinParts(this.#dataParts) : null;
    this.#dataParts = [];
    if (payload !== null) this.#sink.onMessage(messageOpcode, payload);
    return messageOpcode === HYBI_OPCODES.text ? 1 : 0;
  }
}
