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
import { HixieFrameReader } from '../hixie/hixie-frames.js';

/** What the reader reports. */
export interface HixieReaderEvents {
  /** One complete text frame. */
  text(text: string): void;
  /** draft-76's closing handshake (`0xFF 0x00`) arrived. */
  close(): void;
  /** A frame passed the size limit; the reader reads nothing more. */
  tooLarge(): void;
  /** A text frame was not UTF-8: it is not delivered, and the reader reads nothing more. */
  invalidText(): void;
}

/** Returns a function that takes every chunk after the handshake, split anywhere. */
export function createHixieReader(
  draft: 75 | 76,
  maxMessageBytes: number,
  on: HixieReaderEvents,
): (chunk: Uint8Array) => void {
  const reader: HixieFrameReader = new HixieFrameReader(
    {
      onText(payload) {
        if (payload === null || isUtf8(payload)) {
          on.text(payload?.toString('utf8') ?? '');
          return;
        }
        reader.stop();
        on.invalidText();
      },
      onClose() {
        if (draft !== 76) return;
        reader.stop();
        on.close();
      },
      onTooLarge: () => on.tooLarge(),
    },
    { maxPayloadBytes: maxMessageBytes },
  );
  return (chunk) => {
    reader.push(chunk);
  };
}
