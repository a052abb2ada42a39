/**
 * One room's retained messages, as the JSON text every member received, in a ring buffer of
 * fixed capacity, plus the `(client, id)` index that dedupes a `say` sent again after a
 * reconnect. An entry leaves the index exactly when it leaves the buffer, so dedupe holds as
 * long as the message is retained (docs/PROTOCOL.md, "Limits and defaults": history).
 */

/** One retained message. */
export interface RetainedMessage {
  readonly seq: number;
  readonly client: string;
  readonly id: string;
  /** The serialized `message`, exactly as it was broadcast. */
  readonly text: string;
}

/** What a room still holds after some `seq`. */
export interface HistorySlice {
  /** Serialized messages, oldest first. */
  readonly texts: string[];
  /** True when some message after the given `seq` is no longer retained. */
  readonly truncated: boolean;
}

/** A room's retained messages. */
export interface RoomHistory {
  /** Retains a message with the next `seq`, evicting the oldest when full. */
  append(message: RetainedMessage): void;
  /** The retained message a `(client, id)` produced, if any. */
  find(client: string, id: string): RetainedMessage | undefined;
  /** The latest `count` messages, oldest first. */
  latest(count: number): string[];
  /** Every retained message with a `seq` greater than `since`, given the room's latest `seq`. */
  after(since: number, lastSeq: number): HistorySlice;
  /** How many messages are retained. */
  readonly size: number;
}

// `client` and `id` may hold any character, so the key carries the client's length rather
// than a separator that could appear inside either.
function dedupeKey(client: string, id: string): string {
  return `${client.length}:${client}${id}`;
}

/** Creates an empty history that retains at most `capacity` messages. */
export function createRoomHistory(capacity: number): RoomHistory {
  // Grown one message at a time (until full, every append lands at the end), not allocated at
  // its capacity: a room that holds one message would otherwise cost 8 KiB at the default 1000,
  // and rooms are kept for their empty-room TTL, however many are opened.
  const ring: (RetainedMessage | undefined)[] = [];
  const byKey = new Map<string, RetainedMessage>();
  let start = 0;
  let size = 0;

  const at = (index: number) => ring[(start + index) % capacity];
  const textsFrom = (index: number) => {
    const texts: string[] = [];
    for (let i = Math.max(0, index); i < size; i += 1) {
      const message = at(i);
      if (message !== undefined) texts.push(message.text);
    }
    return texts;
  };

  return {
    append(message) {
      if (capacity === 0) return;
      if (size === capacity) {
        const oldest = ring[start];
        if (oldest !== undefined) byKey.delete(dedupeKey(oldest.client, oldest.id));
        ring[start] = message;
        start = (start + 1) % capacity;
      } else {
        ring[(start + size) % capacity] = message;
        size += 1;
      }
      byKey.set(dedupeKey(message.client, message.id), message);
    },
    find(client, id) {
      return byKey.get(dedupeKey(client, id));
    },
    latest(count) {
      return textsFrom(size - count);
    },
    after(since, lastSeq) {
      // Retained seqs are consecutive and end at lastSeq, so the first one is lastSeq - size + 1.
      const firstRetained = lastSeq - size + 1;
      return {
        texts: textsFrom(since + 1 - firstRetained),
        truncated: since + 1 < firstRetained,
      };
    },
    get size() {
      return size;
    },
  };
}
