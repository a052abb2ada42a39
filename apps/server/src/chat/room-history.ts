/**
 * One room's retained messages, as the JSON text every member received, in a ring buffer of
 * fixed capacity, plus the `(client, id)` index that dedupes a `say` sent again after a
 * reconnect. An entry leaves the index exactly when it leaves the buffer, so dedupe holds as
 * long as the message is retained (docs/PROTOCOL.md, "Limits and defaults": history).
 *
 * Retained seqs are consecutive: every message gets the next seq and only the oldest ever
 * leaves (by count, or when a byte budget takes it), so the message at index `i` has seq
 * `firstSeq + i` and any range of seqs is two subtractions away.
 */

/** One retained message. */
export interface RetainedMessage {
  readonly seq: number;
  /** `dedupeKey(client, id)` of the `say` that produced it. */
  readonly key: string;
  /** The serialized `message`, exactly as it was broadcast. */
  readonly text: string;
}

/** What a history holds of a range of seqs, within a byte budget. */
export interface HistorySlice {
  /** Serialized messages, oldest first: the newest of the range that fit. */
  readonly texts: string[];
  /** The seq of the first text; undefined when there is none. */
  readonly firstSeq: number | undefined;
  /** True when every retained message of the range is in `texts`. */
  readonly whole: boolean;
}

/** A room's retained messages. */
export interface RoomHistory {
  /**
   * Retains a message with the next `seq`; returns the messages evicted for count (0 or 1).
   * `textBytes` is the text's UTF-8 length when the caller has counted it already.
   */
  append(message: RetainedMessage, textBytes?: number): number;
  /** Evicts the oldest message; false when there is none. */
  dropOldest(): boolean;
  /** The retained message whose `say` had this `dedupeKey(client, id)`, if any. */
  find(key: string): RetainedMessage | undefined;
  /**
   * The newest retained messages with `after < seq < before`, at most `maxCount` of them and
   * `maxBytes` of text, oldest first.
   */
  slice(after: number, before: number, maxCount: number, maxBytes: number): HistorySlice;
  /** How many messages are retained. */
  readonly size: number;
  /** Bytes of retained text, counted as UTF-8 plus what keeping one costs. */
  readonly bytes: number;
  /** The seq of the oldest retained message; one past the newest when empty. */
  readonly firstSeq: number;
}

/** What keeping one message costs besides its text: the entry, its dedupe key, two map slots. */
export const RETAINED_MESSAGE_OVERHEAD_BYTES = 160;

/**
 * The key a `say` is deduped by. `client` and `id` may hold any character, so the key carries
 * the client's length rather than a separator that could appear inside either. Made once per
 * `say` and kept with the message: the lookup, the index and the eviction share one string.
 */
export function dedupeKey(client: string, id: string): string {
  return `${client.length}:${client}${id}`;
}

/** Bytes one retained message counts for against a budget. */
export function retainedBytes(
  message: RetainedMessage,
  textBytes = Buffer.byteLength(message.text),
): number {
  return textBytes + 2 * message.key.length + RETAINED_MESSAGE_OVERHEAD_BYTES;
}

/** Creates an empty history that retains at most `capacity` messages, next seq `nextSeq`. */
export function createRoomHistory(capacity: number, nextSeq = 1): RoomHistory {
  // Grown one message at a time (until full, every append lands at the end), not allocated at
  // its capacity: a room that holds one message would otherwise cost 8 KiB at the default 1000,
  // and rooms are kept for their empty-room TTL, however many are opened.
  const ring: (RetainedMessage | undefined)[] = [];
  const sizes: number[] = [];
  const byKey = new Map<string, RetainedMessage>();
  let start = 0;
  let size = 0;
  let bytes = 0;
  let firstSeq = nextSeq;

  const slot = (index: number) => (start + index) % capacity;

  function dropOldest(): boolean {
    if (size === 0) return false;
    const oldest = ring[start];
    if (oldest !== undefined) byKey.delete(oldest.key);
    bytes -= sizes[start] ?? 0;
    ring[start] = undefined;
    start = (start + 1) % capacity;
    size -= 1;
    firstSeq += 1;
    return true;
  }

  return {
    append(message, textBytes) {
      if (capacity === 0) {
        firstSeq = message.seq + 1;
        return 1;
      }
      if (size === 0) firstSeq = message.seq;
      const evicted = size === capacity && dropOldest() ? 1 : 0;
      const at = slot(size);
      ring[at] = message;
      const cost = retainedBytes(message, textBytes);
      sizes[at] = cost;
      bytes += cost;
      size += 1;
      byKey.set(message.key, message);
      return evicted;
    },
    dropOldest,
    find(key) {
      return byKey.get(key);
    },
    slice(after, before, maxCount, maxBytes) {
      const lo = Math.max(0, after + 1 - firstSeq);
      const hi = Math.min(size, before - firstSeq);
      const texts: string[] = [];
      let used = 0;
      let index = hi - 1;
      for (; index >= lo && texts.length < maxCount; index -= 1) {
        const message = ring[slot(index)];
        if (message === undefined) break;
        const cost = Buffer.byteLength(message.text);
        if (used + cost > maxBytes) break;
        used += cost;
        texts.push(message.text);
      }
      texts.reverse();
      return {
        texts,
        firstSeq: texts.length > 0 ? firstSeq + index + 1 : undefined,
        whole: index < lo,
      };
    },
    get size() {
      return size;
    },
    get bytes() {
      return bytes;
    },
    get firstSeq() {
      return firstSeq;
    },
  };
}
