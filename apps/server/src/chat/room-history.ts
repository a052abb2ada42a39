/**
 * One room's retained messages, as the JSON text every member received, in a ring buffer of
 * fixed capacity, plus the `(client, id)` index that dedupes a `say` sent again after a
 * reconnect. An entry leaves the index exactly when it leaves the buffer, so dedupe holds as
 * long as the message is retained (docs/PROTOCOL.md, "Limits and defaults": history).
 *
 * The index is a map of clients to maps of ids, not one map of joined keys: a member's
 * `client` is one string for all its messages (its hash is computed once), so a `say` hashes
 * only its short id, and makes no key string that would be hashed in full for the lookup, the
 * insertion and the eviction (a third of the history's time in a burst).
 *
 * Retained seqs are consecutive: every message gets the next seq and only the oldest ever
 * leaves (by count, or when a byte budget takes it), so the message at index `i` has seq
 * `firstSeq + i` and any range of seqs is two subtractions away.
 */

/** One retained message. */
export interface RetainedMessage {
  readonly seq: number;
  /** The sender's `client` and the `say`'s `id`: what dedupes it. */
  readonly client: string;
  readonly id: string;
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
  /** The retained message whose `say` had this `client` and `id`, if any. */
  find(client: string, id: string): RetainedMessage | undefined;
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

/**
 * What keeping one message costs besides its text and id: the entry, its ring slots, its slot
 * in the index (and a share of its client's map there).
 */
export const RETAINED_MESSAGE_OVERHEAD_BYTES = 160;

/**
 * Bytes one retained message counts for against a budget. Its client and id are counted as if
 * each message had its own (two bytes a unit): a member's client is shared by its messages, so
 * this overcounts, and a budget is never overrun by long ids.
 */
export function retainedBytes(
  message: RetainedMessage,
  textBytes = Buffer.byteLength(message.text),
): number {
  return (
    textBytes + 2 * (message.client.length + message.id.length) + RETAINED_MESSAGE_OVERHEAD_BYTES
  );
}

/** Creates an empty history that retains at most `capacity` messages, next seq `nextSeq`. */
export function createRoomHistory(capacity: number, nextSeq = 1): RoomHistory {
  // Grown one message at a time (until full, every append lands at the end), not allocated at
  // its capacity: a room that holds one message would otherwise cost 8 KiB at the default 1000,
  // and rooms are kept for their empty-room TTL, however many are opened.
  const ring: (RetainedMessage | undefined)[] = [];
  const sizes: number[] = [];
  const byClient = new Map<string, Map<string, RetainedMessage>>();
  let start = 0;
  let size = 0;
  let bytes = 0;
  let firstSeq = nextSeq;

  const slot = (index: number) => (start + index) % capacity;

  function unindex(message: RetainedMessage) {
    const ids = byClient.get(message.client);
    if (ids === undefined || ids.get(message.id) !== message) return;
    ids.delete(message.id);
    if (ids.size === 0) byClient.delete(message.client);
  }

  function dropOldest(): boolean {
    if (size === 0) return false;
    const oldest = ring[start];
    if (oldest !== undefined) unindex(oldest);
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
      let ids = byClient.get(message.client);
      if (ids === undefined) {
        ids = new Map();
        byClient.set(message.client, ids);
      }
      ids.set(message.id, message);
      return evicted;
    },
    dropOldest,
    find(client, id) {
      return byClient.get(client)?.get(id);
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
