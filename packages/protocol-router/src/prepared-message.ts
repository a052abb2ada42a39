/**
 * A text message framed once per protocol family, so that a broadcast to N members costs
 * one JSON string and at most two frames, not N of each.
 *
 * Server-to-client frames are never masked (RFC 6455 §5.1), so one hybi frame serves every
 * RFC 6455, hybi-08 and hybi-07 client alike. The drafts share one frame too:
 * `0x00 <utf-8> 0xFF` (draft-hixie-76 §5.3, the same in draft-75).
 */
import {
  encodeHixieTextFrame,
  hixieTextFrameLength,
  writeHixieTextFrame,
} from './hixie/hixie-frames.js';
import {
  encodeHybiFrame,
  encodeHybiTextFrame,
  HYBI_OPCODES,
  hybiTextFrameLength,
  writeHybiTextFrame,
} from './hybi/hybi-frames.js';

import type { FrameFamily } from './protocols.js';

/** Lays out an unmasked pong echoing `payload`, which a ping keeps within 125 bytes (RFC 6455 §5.5.3). */
export function encodeHybiPongFrame(payload: Buffer): Buffer {
  return encodeHybiFrame(HYBI_OPCODES.pong, payload.subarray(0, 125));
}

/** A text message whose frames are computed on first use and then shared. */
export class PreparedMessage {
  /** The message text. */
  readonly text: string;
  /** The text's length in UTF-8. */
  readonly byteLength: number;
  #hybi: Buffer | undefined;
  #hixie: Buffer | undefined;

  constructor(text: string) {
    this.text = text;
    // Counted now, not when the message is framed: a text made by concatenation is a cons
    // string that holds its pieces until something reads it whole, and counting flattens it,
    // so a message waiting for its turn's end does not keep its pieces alive through the
    // scavenges on the way (in the bench's same-work bound, counting at framing time cost a
    // fifth of its rate in 100 rooms x 10: bench/README.md, "Gaps").
    this.byteLength = Buffer.byteLength(text, 'utf8');
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
  /** Their bytes together. */
  readonly bytes: number;
  #frames: readonly Buffer[] | undefined;
  #joined: Buffer | undefined;
  #ends: readonly number[] | undefined;

  /** A run of frames made one by one. */
  constructor(frames: readonly Buffer[]);
  /** A run written straight into one buffer, frame `i` ending at `ends[i]`. */
  constructor(frames: undefined, joined: Buffer, ends: readonly number[]);
  constructor(frames: readonly Buffer[] | undefined, joined?: Buffer, ends?: readonly number[]) {
    this.#frames = frames;
    this.#joined = joined;
    this.#ends = ends;
    let bytes = joined?.length ?? 0;
    for (const frame of frames ?? []) bytes += frame.length;
    this.bytes = bytes;
  }

  /** Each frame on its own (views of the joined buffer when the run was written as one). */
  get frames(): readonly Buffer[] {
    if (this.#frames === undefined) {
      const joined = this.#joined as Buffer;
      let start = 0;
      this.#frames = (this.#ends ?? []).map((end) => {
        const frame = joined.subarray(start, end);
        start = end;
        return frame;
      });
    }
    return this.#frames;
  }

  /** The frames as one buffer, made once for every socket that writes it. */
  get joined(): Buffer {
    this.#joined ??= Buffer.concat(this.frames as Buffer[], this.bytes);
    return this.#joined;
  }
}

// How one family's text frame is sized and written into a buffer (hybi-frames.ts, hixie-frames.ts).
interface TextFramer {
  /** The frame's length for a text of `byteLength` UTF-8 bytes. */
  readonly length: (byteLength: number) => number;
  /** Writes the frame at `at` in `target`; returns where it ends. */
  readonly write: (target: Buffer, at: number, text: string, byteLength: number) => number;
}

// The text framer of each family: what a run of frames is written with.
const TEXT_FRAMERS: Readonly<Record<FrameFamily, TextFramer>> = {
  hybi: { length: hybiTextFrameLength, write: writeHybiTextFrame },
  hixie: { length: hixieTextFrameLength, write: writeHixieTextFrame },
};

// The frames of `messages` written one after another into one buffer: no buffer per frame to
// be copied from, and one allocation for the whole turn of a room.
function writeRun(messages: readonly PreparedMessage[], family: FrameFamily): FrameRun {
  const { length, write } = TEXT_FRAMERS[family];
  let bytes = 0;
  for (const message of messages) bytes += length(message.byteLength);
  const joined = Buffer.allocUnsafe(bytes);
  const ends: number[] = [];
  let at = 0;
  for (const message of messages) {
    at = write(joined, at, message.text, message.byteLength);
    ends.push(at);
  }
  return new FrameRun(undefined, joined, ends);
}

/**
 * Messages that go to the same members in the same order: a room's messages of one event-loop
 * turn. Each member is handed the batch once, not each message: a broadcast of M messages to N
 * members costs one buffer of M frames per family and N queued runs, not M x N queued frames.
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
      this.#hybi ??= writeRun(this.messages, 'hybi');
      return this.#hybi;
    }
    this.#hixie ??= writeRun(this.messages, 'hixie');
    return this.#hixie;
  }
}
