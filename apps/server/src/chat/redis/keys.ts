/**
 * Every key and channel the Redis hub uses, in one place (README, "Running several
 * instances", lists them).
 *
 * All of a room's keys carry the room between braces, `{lobby}`: Redis Cluster hashes only
 * that part, so one room's keys share a slot and one Lua script may touch them all.
 *
 * | key (with the default prefix)            | type   | holds                                       |
 * |------------------------------------------|--------|---------------------------------------------|
 * | `draftbridge:room:{R}:seq`               | string | the room's latest `seq`; never expires      |
 * | `draftbridge:room:{R}:history`           | zset   | retained `message` JSON, scored by `seq`    |
 * | `draftbridge:room:{R}:dedupe`            | hash   | `(client, id)` -> `seq`, and `#seq` -> back |
 * | `draftbridge:room:{R}:members`           | hash   | member id -> its `presence` `leave` JSON    |
 * | `draftbridge:room:{R}:presence`          | zset   | member id, scored by presence expiry (ms)   |
 * | `draftbridge:room:{R}:presence-seq`      | string | counts presence changes, to order them      |
 * | channel `draftbridge:room:{R}:events`    | pubsub | every `message` and `presence` of the room  |
 */

/** The keys and the channel of one room. */
export interface RoomKeys {
  readonly seq: string;
  readonly history: string;
  readonly dedupe: string;
  readonly members: string;
  readonly presence: string;
  readonly presenceSeq: string;
  readonly channel: string;
}

/** The keys of `room` under `prefix`. */
export function createRoomKeys(prefix: string, room: string): RoomKeys {
  const base = `${prefix}room:{${room}}:`;
  return {
    seq: `${base}seq`,
    history: `${base}history`,
    dedupe: `${base}dedupe`,
    members: `${base}members`,
    presence: `${base}presence`,
    presenceSeq: `${base}presence-seq`,
    channel: `${base}events`,
  };
}

/**
 * The dedupe field of `(client, id)`. Either may hold any character, so the field carries the
 * client's length rather than a separator; it starts with a digit, which keeps it apart from
 * the `#seq` back references in the same hash.
 */
export function dedupeField(client: string, id: string): string {
  return `${client.length}:${client}${id}`;
}
