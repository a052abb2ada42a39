/**
 * A text message framed once per protocol family, so that a broadcast to N members costs
 * one JSON string and at most two frames, not N of each.
 *
 * Server-to-client frames are never masked (RFC 6455 §5.1), so one hybi frame serves every
 * RFC 6455, hybi-08 and hybi-07 client alike. The drafts share one frame too:
 * `0x00 <utf-8> 0xFF` (draft-hixie-76 §5.3, the same in draft-75).
 */

import type { FrameFamily } from './protocols.js';

/** Lays out one unmasked, unfragmented text frame (RFC 6455 §5.2). */
export function encodeHybiTextFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81; // FIN + opcode 1 (text)
  if (length < 126) {
    frame[1] = length;
  } else if (length < 0x10000) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}

/** Lays out an unmasked pong echoing `payload`, which a ping keeps within 125 bytes (RFC 6455 §5.5.3). */
export function encodeHybiPongFrame(payload: Buffer): Buffer {
  const length = Math.min(payload.length, 125);
  const frame = Buffer.allocUnsafe(2 + length);
  frame[0] = 0x8a; // FIN + opcode 0xA (pong)
  frame[1] = length;
  payload.copy(frame, 2, 0, length);
  return frame;
}

/** Lays out one draft-75/76 text frame: `0x00`, the UTF-8 bytes, `0xFF`. */
export function encodeHixieTextFrame(payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(payload.length + 2);
  frame[0] = 0x00;
  payload.copy(frame, 1);
  frame[frame.length - 1] = 0xff;
  return frame;
}

/** A text message whose frames are computed on first use and then shared. */
export class PreparedMessage {
  /** The message text. */
  readonly text: string;
  #payload: Buffer | undefined;
  #hybi: Buffer | undefined;
  #hixie: Buffer | undefined;

  constructor(text: string) {
    this.text = text;
  }

  /** The UTF-8 bytes of the text. */
  get payload(): Buffer {
    this.#payload ??= Buffer.from(this.text, 'utf8');
    return this.#payload;
  }

  /** The whole frame for one protocol family. */
  frame(family: FrameFamily): Buffer {
    if (family === 'hybi') {
      this.#hybi ??= encodeHybiTextFrame(this.payload);
      return this.#hybi;
    }
    this.#hixie ??= encodeHixieTextFrame(this.payload);
    return this.#hixie;
  }
}
