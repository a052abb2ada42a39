/**
 * A text message framed once per protocol family, so that a broadcast to N members costs
 * one JSON string and at most two frames, not N of each.
 *
 * Server-to-client frames are never masked (RFC 6455 §5.1), so one hybi frame serves every
 * RFC 6455, hybi-08 and hybi-07 client alike. The drafts share one frame too:
 * `0x00 <utf-8> 0xFF` (draft-hixie-76 §5.3, the same in draft-75).
 */
import { encodeHixieTextFrame } from './hixie/hixie-frames.js';
import { encodeHybiFrame, HYBI_OPCODES } from './hybi/hybi-frames.js';

import type { FrameFamily } from './protocols.js';

/** Lays out an unmasked pong echoing `payload`, which a ping keeps within 125 bytes (RFC 6455 §5.5.3). */
export function encodeHybiPongFrame(payload: Buffer): Buffer {
  return encodeHybiFrame(HYBI_OPCODES.pong, payload.subarray(0, 125));
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
      this.#hybi ??= encodeHybiFrame(HYBI_OPCODES.text, this.payload);
      return this.#hybi;
    }
    this.#hixie ??= encodeHixieTextFrame(this.payload);
    return this.#hixie;
  }
}
