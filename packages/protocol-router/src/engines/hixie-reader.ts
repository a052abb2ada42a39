/**
 * The server's reading of hixie-75/76 frames (draft-hixie-76 §5.3, "Data framing"; draft-75
 * §4.2 frames the same way), used by the faye-websocket adapter in place of websocket-driver
 * 0.7.4's own parser once the handshake is done.
 *
 * Design note. The driver holds an unfinished text frame as a JavaScript array of numbers,
 * about nine bytes of heap per byte received: one connection holding a 64 KiB frame open costs
 * some 600 KiB, so a few thousand idle draft clients (the drafts have no ping to time out)
 * exhaust the heap. It also ends a length-prefixed frame at any `0xFF` among the bytes it
 * should skip, and replays the previous message there. This reader keeps an unfinished frame
 * in one Buffer that grows to the limit at most, and skips length-prefixed frames by count.
 *
 * What the draft says and this reader does:
 * - type byte with the high bit clear: bytes up to `0xFF`. Type `0x00` is text; any other type
 *   is read the same way and discarded. Text is decoded as the driver did, invalid UTF-8
 *   becoming U+FFFD: the drafts have no way to refuse it.
 * - type byte with the high bit set: a length in 7-bit groups, then that many bytes, discarded.
 *   Type `0xFF` with length 0 is draft-76's closing handshake; in draft-75 it is just an empty
 *   frame.
 * - a frame past `maxMessageBytes` (text buffered, or a length announced) ends the connection
 *   the way the driver did.
 */
import {
  HIXIE_FRAME_END,
  HIXIE_LENGTH_PREFIXED_BIT,
  HIXIE_MAX_LENGTH_GROUPS,
  HIXIE_TEXT_FRAME_START,
} from '../hixie/hixie-constants.js';

/** What the reader reports. */
export interface HixieReaderEvents {
  /** One complete text frame. */
  text(text: string): void;
  /** draft-76's closing handshake (`0xFF 0x00`) arrived. */
  close(): void;
  /** A frame passed the size limit; the reader reads nothing more. */
  tooLarge(): void;
}

type State = 'type' | 'length' | 'skip' | 'text' | 'discard' | 'done';

// An idle connection does not keep a large buffer from its last message.
const KEPT_CAPACITY = 4096;

// Shared by every reader that holds no unfinished frame: nothing is ever written into it.
const EMPTY = Buffer.alloc(0);

/** Returns a function that takes every chunk after the handshake, split anywhere. */
export function createHixieReader(
  draft: 75 | 76,
  maxMessageBytes: number,
  on: HixieReaderEvents,
): (chunk: Uint8Array) => void {
  let state: State = 'type';
  let type = 0;
  let length = 0;
  let groups = 0;
  let remaining = 0;
  let buffer = EMPTY;
  let used = 0;

  function fail(): void {
    state = 'done';
    buffer = EMPTY;
    on.tooLarge();
  }

  function append(bytes: Uint8Array): boolean {
    if (used + bytes.length > maxMessageBytes) return false;
    if (used + bytes.length > buffer.length) {
      const capacity = Math.min(
        maxMessageBytes,
        Math.max(used + bytes.length, buffer.length * 2, 256),
      );
      const grown = Buffer.allocUnsafe(capacity);
      buffer.copy(grown, 0, 0, used);
      buffer = grown;
    }
    buffer.set(bytes, used);
    used += bytes.length;
    return true;
  }

  function endText(): void {
    const text = buffer.toString('utf8', 0, used);
    used = 0;
    if (buffer.length > KEPT_CAPACITY) buffer = EMPTY;
    on.text(text);
  }

  return function read(chunk) {
    let offset = 0;
    while (offset < chunk.length && state !== 'done') {
      if (state === 'type') {
        type = chunk[offset] ?? 0;
        offset += 1;
        length = 0;
        groups = 0;
        used = 0;
        state =
          (type & HIXIE_LENGTH_PREFIXED_BIT) !== 0
            ? 'length'
            : type === HIXIE_TEXT_FRAME_START
              ? 'text'
              : 'discard';
      } else if (state === 'length') {
        const byte = chunk[offset] ?? 0;
        offset += 1;
        length = length * 128 + (byte & 0x7f);
        groups += 1;
        if (length > maxMessageBytes || groups > HIXIE_MAX_LENGTH_GROUPS) {
          fail();
        } else if ((byte & 0x80) === 0) {
          remaining = length;
          state = length === 0 ? 'type' : 'skip';
          if (length === 0 && type === 0xff && draft === 76) {
            state = 'done';
            on.close();
          }
        }
      } else if (state === 'skip') {
        const take = Math.min(remaining, chunk.length - offset);
        remaining -= take;
        offset += take;
        if (remaining === 0) state = 'type';
      } else {
        const end = chunk.indexOf(HIXIE_FRAME_END, offset);
        const stop = end === -1 ? chunk.length : end;
        const bytes = chunk.subarray(offset, stop);
        // Discarded frames count against the limit too, without being kept.
        if (state === 'discard') used += bytes.length;
        const fits = state === 'text' ? append(bytes) : used <= maxMessageBytes;
        if (!fits) {
          fail();
          return;
        }
        offset = end === -1 ? chunk.length : end + 1;
        if (end !== -1) {
          if (state === 'text') endText();
          used = 0;
          state = 'type';
        }
      }
    }
  };
}
