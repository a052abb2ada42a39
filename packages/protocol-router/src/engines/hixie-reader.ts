/**
 * The server's reading of hixie-75/76 frames (draft-hixie-76 §5.3, "Data framing"; draft-75
 * §4.2 frames the same way), used by the faye-websocket adapter in place of websocket-driver
 * 0.7.4's own parser once the handshake is done.
 *
 * Design note. The driver holds an unfinished text frame as a JavaScript array of numbers,
 * about nine bytes of heap per byte received: one connection holding a 64 KiB frame open costs
 * some 600 KiB, so a few thousand idle draft clients (the drafts have no ping to time out)
 * exhaust the heap. It also ends a length-prefixed frame at any `0xFF` among the bytes it
 * should skip, and replays the previous message there. The package's frame codec
 * (hixie/hixie-frames.ts, which the hixie client reads with too) keeps an unfinished frame in
 * one Buffer that grows to the limit at most, and skips length-prefixed frames by count.
 *
 * What the server makes of the codec's frames:
 * - text that is valid UTF-8 is delivered;
 * - text that is not is refused whole: nothing of the frame is delivered, nothing after it is
 *   read, and the connection is closed with the draft's closing handshake, as RFC 6455 closes
 *   with 1007 (§8.1). The drafts leave the choice to the server (draft-hixie-76 §5.4,
 *   "Handling errors in UTF-8 from the client"; draft-75's server requirements say the same):
 *   "When a server is to interpret a byte stream as UTF-8 but finds that the byte stream is not
 *   in fact a valid UTF-8 stream, behavior is undefined. A server could close the connection,
 *   convert invalid byte sequences to U+FFFD REPLACEMENT CHARACTERs, store the data verbatim,
 *   or perform application-specific processing. Subprotocols layered on the WebSocket protocol
 *   might define specific behavior for servers." The chat is such a subprotocol, and closing is
 *   the one choice that gives every protocol one result: text that is not UTF-8 reaches nobody
 *   (with U+FFFD a draft member's bytes were broadcast as other text, where the same bytes on
 *   RFC 6455 closed the connection);
 * - `0xFF 0x00` is draft-76's closing handshake, after which nothing is read; in draft-75 it is
 *   just an empty frame;
 * - a frame past `maxMessageBytes` (text buffered, or a length announced) ends the connection
 *   the way the driver did.
 */
import { isUtf8 } from 'node:buffer';
import { HixieFrameReader, type HixieFrameSink } from '../hixie/hixie-frames.js';

/** Why the reader stopped reading. */
export type HixieReaderStop = 'close' | 'too-large' | 'invalid-text';

/** What the reader reports (the faye adapter's connection implements it). */
export interface HixieReaderEvents {
  /** One complete text frame. */
  receiveHixieText(text: string): void;
  /**
   * The reader reads nothing more: draft-76's closing handshake (`0xFF 0x00`) arrived, a frame
   * passed the size limit, or a text frame was not UTF-8 (and was not delivered).
   */
  hixieReaderStopped(why: HixieReaderStop): void;
}

/** Reads every chunk after the handshake, split anywhere, into `on`. */
export class HixieServerReader implements HixieFrameSink {
  readonly #draft: 75 | 76;
  readonly #on: HixieReaderEvents;
  readonly #reader: HixieFrameReader;

  constructor(draft: 75 | 76, maxMessageBytes: number, on: HixieReaderEvents) {
    this.#draft = draft;
    this.#on = on;
    this.#reader = new HixieFrameReader(this, { maxPayloadBytes: maxMessageBytes });
  }

  push(chunk: Uint8Array): void {
    this.#reader.push(chunk);
  }

  /** Reads `chunk` up to its `maxFrames`th frame; returns the bytes it consumed. */
  pushFrames(chunk: Uint8Array, maxFrames: number): number {
    return this.#reader.pushFrames(chunk, maxFrames);
  }

  /** Codec input. */
  onText(payload: Buffer | null): void {
    if (payload === null || isUtf8(payload)) {
      this.#on.receiveHixieText(payload?.toString('utf8') ?? '');
      return;
    }
    this.#reader.stop();
    this.#on.hixieReaderStopped('invalid-text');
  }

  /** Codec input. */
  onClose(): void {
    if (this.#draft !== 76) return;
    this.#reader.stop();
    this.#on.hixieReaderStopped('close');
  }

  /** Codec input. */
  onTooLarge(): void {
    this.#on.hixieReaderStopped('too-large');
  }
}
