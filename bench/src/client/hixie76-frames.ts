/**
 * draft-hixie-76 framing for the load generator (§4.2 for what a client sends, §5.3 for what it
 * reads): a text frame is `0x00`, UTF-8 bytes, `0xFF`; the closing handshake is `0xFF 0x00`.
 * Draft frames are not masked in either direction.
 *
 * The reader finds frame ends with `Buffer.indexOf(0xFF)`, a native scan, so counting costs
 * one call per frame and no copy; payloads are copied only while `decode` is on. A server never
 * sends the draft's length-prefixed frame types (high bit set, other than the close), so one is
 * treated as a broken stream.
 */
import { encodeHixieTextFrame } from '@draftbridge/protocol-router';
import { type FrameSink, joinParts } from './rfc6455-frames.js';

const FRAME_START = 0x00;
const FRAME_END = 0xff;

/** The client's half of the closing handshake (§4.2 "0xFF 0x00"). */
export const HIXIE76_CLOSE_FRAME = Buffer.from([FRAME_END, 0x00]);

/** Lays out one draft text frame (`0x00 <utf-8> 0xFF`). */
export function encodeHixieText(text: string): Buffer {
  return encodeHixieTextFrame(Buffer.from(text, 'utf8'));
}

/** Reads the server-to-client side of a hixie-76 connection. */
export class Hixie76FrameReader {
  /** When on, text payloads are copied and handed to the sink; when off, only counted. */
  decode = false;
  readonly #sink: FrameSink;
  #inText = false;
  #closing = false;
  #parts: Buffer[] = [];

  constructor(sink: FrameSink) {
    this.#sink = sink;
  }

  /**
   * Consumes one chunk from the socket; returns how many text frames it completed. The chunk
   * may be overwritten once this returns: whatever is kept is copied.
   */
  push(chunk: Buffer): number {
    const end = chunk.length;
    let pos = 0;
    let texts = 0;
    while (pos < end) {
      if (this.#inText) {
        const stop = chunk.indexOf(FRAME_END, pos);
        if (stop === -1) {
          // A copy: `chunk` may be the socket's shared read buffer, reused by the next read.
          if (this.decode) this.#parts.push(Buffer.from(chunk.subarray(pos)));
          break;
        }
        if (this.decode) {
          this.#parts.push(Buffer.from(chunk.subarray(pos, stop)));
          this.#sink.onText(joinParts(this.#parts));
        }
        this.#parts = [];
        this.#inText = false;
        texts += 1;
        pos = stop + 1;
        continue;
      }
      const byte = chunk[pos] ?? 0;
      pos += 1;
      if (this.#closing) {
        this.#closing = false;
        if (byte !== 0x00) throw new Error('broken hixie-76 closing handshake');
        this.#sink.onClose();
      } else if (byte === FRAME_START) {
        this.#inText = true;
      } else if (byte === FRAME_END) {
        this.#closing = true;
      } else {
        throw new Error(`unexpected hixie-76 frame type 0x${byte.toString(16)}`);
      }
    }
    return texts;
  }
}
