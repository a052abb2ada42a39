/**
 * A text message framed once per protocol family, so that a broadcast to N members costs
 * one JSON string and at most two frames, not N of each.
 *
 * Server-to-client frames are never masked (RFC 6455 §5.1), so one hybi frame serves every
 * RFC 6455, hybi-08 and hybi-07 client alike. The drafts share one frame too:
 * `0x00 <utf-8> 0xFF` (draft-hixie-76 §5.3, the same in draft-75).
 */
import { encodeHixieTextFrame } from './hixie/hixie-frames.js';
import { encodeHybiFrame, encodeHybiTextFrame, HYBI_OPCODES } from './hybi/hybi-frames.js';

import type { FrameFamily } from './protocols.js';

/** Lays out an unmasked pong echoing `payload`, which a ping keeps within 125 bytes (RFC 6455 §5.5.3). */
export function encodeHybiPongFrame(payload: Buffer): Buffer {
  return encodeHybiFrame(HYBI_OPCODES.pong, payload.subarray(0, 125));
}

/** A text message whose frames are computed on first use and then shared. */
export class PreparedMessage {
  /** The message text. */
  readonly text: string;
  #byteLength = -1;
  #hybi: Buffer | undefined;
  #hixie: Buffer | undefined;

  constructor(text: string) {
    this.text = text;
  }

  /** The text's length in UTF-8, counted once. */
  get byteLength(): number {
    if (this.#byteLength < 0) this.#byteLength = Buffer.byteLength(this.text, 'utf8');
    return this.#byteLength;
  }

  /**
   * The whole frame for one protocol family. Each frame encodes the text straight into its
   * own buffer behind the header: no payload buffer is made to be copied from.
   */
  frame(family: FrameFamily): Buffer {
    if (family === 'hybi') {
      this.#hybi ??= encodeHybiTextFrame(this.text, this.byteLength);
      return this.#hybi;
    }
    this.#hixie ??= encodeHixieTextFrame(this.text, this.byteLength);
    return this.#hixie;
  }
}

/**
 * Frames of several messages, in order, for one protocol family: made once and queued whole
 * by every outbox of the family (see PreparedBatch).
 */
export class FrameRun {
  readonly frames: readonly Buffer[];
  /** Their bytes together. */
  readonly bytes: number;
  #joined: Buffer | undefined;

  constructor(frames: readonly Buffer[]) {
    this.frames = frames;
    let bytes = 0;
    for (const frame of frames) bytes += frame.length;
    this.bytes = bytes;
  }

  /** The frames as one buffer, copied once for every socket that writes it. */
  get joined(): Buffer {
    this.#joined ??= Buffer.concat(this.frames as Buffer[], this.bytes);
    return this.#joined;
  }
}

/**
 * Messages that go to the same members in the same order: a room's messages of one event-loop
 * turn. Each member is handed the batch once, not each message: a broadcast of M messages to N
 * members costs M frames per family and N queued runs, not M x N queued frames.
 */
export class PreparedBatch {
  readonly messages: readonly PreparedMessage[];
  #hybi: FrameRun | undefined;
  #hixie: FrameRun | undefined;

  constructor(messages: readonly PreparedMessage[]) {
    this.messages = messages;
  }

  /** The frames of every message for one protocol family, made on first use and shared. */
  run(family: FrameFamily): FrameRun {
    if (family === 'hybi') {
      this.#hybi ??= new FrameRun(this.messages.map((message) => message.frame('hybi')));
      return this.#hybi;
    }
    this.#hixie ??= new FrameRun(this.messages.map((message) => message.frame('hixie')));
    return this.#hixie;
  }
}
