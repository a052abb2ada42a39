/**
 * RFC 6455 framing for the load generator: masked client frames out (§5.3: a client masks
 * every frame), unmasked server frames in (§5.1).
 *
 * The reader is built not to be the bottleneck: for most receivers it only walks frame
 * headers and skips payloads (one small header read per frame, no copy, no decoding), and it
 * copies and decodes a payload only when `decode` is on (latency samplers, senders, joins).
 * Fragmented messages (§5.4) count once, at their final frame; control frames (§5.5) may sit
 * between fragments, so they are collected apart from the data parts.
 */
import { randomFillSync } from 'node:crypto';

/** RFC 6455 §5.2 opcodes the generator meets. */
export const OPCODES = {
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
// instead of one per frame. §10.3 wants unpredictable keys against proxies, not a CSPRNG call each.
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

/** Lays out one final, masked client frame; `mask` is drawn from the pool when omitted. */
export function encodeClientFrame(
  opcode: number,
  payload: Buffer,
  mask: Uint8Array = nextMask(),
): Buffer {
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const headerLength = 2 + lengthBytes + MASK_LENGTH;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x80 | opcode;
  if (lengthBytes === 0) {
    frame[1] = 0x80 | length;
  } else if (lengthBytes === 2) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.set(mask.subarray(0, MASK_LENGTH), 2 + lengthBytes);
  for (let i = 0; i < length; i += 1) {
    frame[headerLength + i] = (payload[i] ?? 0) ^ (mask[i & 3] ?? 0);
  }
  return frame;
}

/** Lays out one masked client text frame. */
export function encodeClientText(text: string): Buffer {
  return encodeClientFrame(OPCODES.text, Buffer.from(text, 'utf8'));
}

/** The parts of a payload as one buffer; the parts are already copies, so one part is reused. */
export function joinParts(parts: readonly Buffer[]): Buffer {
  return parts.length === 1 && parts[0] !== undefined ? parts[0] : Buffer.concat(parts);
}

/** What a frame reader reports besides the count it returns. */
export interface FrameSink {
  /** A whole text message, only while the reader's `decode` is on. */
  onText(payload: Buffer): void;
  /** A ping to answer (RFC 6455 only; WebSocket-Node pings idle connections). */
  onPing(payload: Buffer): void;
  /** The peer's close frame or closing handshake. */
  onClose(): void;
}

/** Reads the server-to-client side of an RFC 6455 connection. */
export class Rfc6455FrameReader {
  /** When on, text payloads are copied and handed to the sink; when off, only counted. */
  decode = false;
  readonly #sink: FrameSink;
  // Header bytes cut off at the end of the previous chunk.
  #head: Buffer | null = null;
  #remaining = 0;
  #opcode = 0;
  #fin = false;
  #collect = false;
  // Opcode of the data message whose fragments are arriving (0 when none).
  #messageOpcode = 0;
  #dataParts: Buffer[] = [];
  #controlParts: Buffer[] = [];

  constructor(sink: FrameSink) {
    this.#sink = sink;
  }

  /**
   * Consumes one chunk from the socket; returns how many text messages it completed. The chunk
   * may be overwritten once this returns: whatever is kept is copied.
   */
  push(chunk: Buffer): number {
    let data = chunk;
    if (this.#head !== null) {
      data = Buffer.concat([this.#head, chunk]);
      this.#head = null;
    }
    const end = data.length;
    let pos = 0;
    let texts = 0;
    while (pos < end) {
      if (this.#remaining > 0) {
        const take = Math.min(this.#remaining, end - pos);
        // A copy: `data` may be the socket's shared read buffer, reused by the next read.
        if (this.#collect) this.#parts().push(Buffer.from(data.subarray(pos, pos + take)));
        pos += take;
        this.#remaining -= take;
        if (this.#remaining > 0) break;
        texts += this.#finishFrame();
        continue;
      }
      const headerEnd = this.#readHeader(data, pos);
      if (headerEnd < 0) {
        this.#head = Buffer.from(data.subarray(pos));
        break;
      }
      pos = headerEnd;
      if (this.#remaining === 0) texts += this.#finishFrame();
    }
    return texts;
  }

  // Reads the header at `pos`; returns where the payload starts, or -1 when it is incomplete.
  #readHeader(data: Buffer, pos: number): number {
    if (data.length - pos < 2) return -1;
    const b0 = data[pos] ?? 0;
    const b1 = data[pos + 1] ?? 0;
    if ((b1 & 0x80) !== 0) throw new Error('server sent a masked frame (RFC 6455 §5.1)');
    let length = b1 & 0x7f;
    const headerLength = length === 126 ? 4 : length === 127 ? 10 : 2;
    if (data.length - pos < headerLength) return -1;
    if (length === 126) length = data.readUInt16BE(pos + 2);
    else if (length === 127)
      length = data.readUInt32BE(pos + 2) * 2 ** 32 + data.readUInt32BE(pos + 6);
    this.#fin = (b0 & 0x80) !== 0;
    this.#opcode = b0 & 0x0f;
    if (this.#opcode >= OPCODES.close) {
      this.#collect = true;
    } else {
      if (this.#opcode !== OPCODES.continuation) this.#messageOpcode = this.#opcode;
      this.#collect = this.decode && this.#messageOpcode === OPCODES.text;
    }
    this.#remaining = length;
    return pos + headerLength;
  }

  #parts(): Buffer[] {
    return this.#opcode >= OPCODES.close ? this.#controlParts : this.#dataParts;
  }

  // Ends the current frame; returns 1 when it completed a text message.
  #finishFrame(): number {
    const opcode = this.#opcode;
    if (opcode >= OPCODES.close) {
      const payload = joinParts(this.#controlParts);
      this.#controlParts = [];
      if (opcode === OPCODES.close) this.#sink.onClose();
      else if (opcode === OPCODES.ping) this.#sink.onPing(payload);
      return 0;
    }
    if (!this.#fin) return 0;
    const wasText = this.#messageOpcode === OPCODES.text;
    this.#messageOpcode = 0;
    const payload = this.#collect ? joinParts(this.#dataParts) : null;
    this.#dataParts = [];
    if (payload !== null) this.#sink.onText(payload);
    return wasText ? 1 : 0;
  }
}
