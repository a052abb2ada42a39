/**
 * The Redis hub's data in Redis: one typed call per Lua script (scripts.ts), plus the history
 * reads that fill gaps and make welcomes and pages. Replies are data from the network, so each
 * one is checked before it is used.
 *
 * History is read in bounded steps (`HISTORY_STEP` messages per command, newest first, until
 * a page's byte budget is full), never whole: one command that returns a room's entire
 * history would hold Redis, and every instance waiting on it, for as long as it takes.
 *
 * Scripts run by SHA (EVALSHA) and are sent in full only when Redis does not know them yet,
 * as after a restart; a NOSCRIPT reply means the script did not run, so running it again is safe.
 */
import { createHash } from 'node:crypto';
import { presenceSchema } from '@draftbridge/shared-types';
import type { Redis } from 'ioredis';
import type { MessageAroundSeq } from './codec.js';
import type { RoomKeys } from './keys.js';
import { HEARTBEAT_SCRIPT, JOIN_SCRIPT, LEAVE_SCRIPT, SAY_SCRIPT } from './scripts.js';

/** What the join script returns: what a `welcome` is made of besides its history. */
export interface JoinSnapshot {
  readonly seq: number;
  /** Every member of the room on every instance, the joiner included, as JSON. */
  readonly memberJsons: string[];
  /** The room's presence counter after this join. */
  readonly presenceSeq: number;
}

/** A page of history: the newest messages of a range that fit, oldest first. */
export interface HistoryRead {
  readonly messages: StoredMessage[];
  /** True when every retained message of the range is in `messages`. */
  readonly whole: boolean;
}

/** Messages read per history command. */
export const HISTORY_STEP = 64;

/** What the say script did. */
export type SayOutcome =
  | { readonly kind: 'new'; readonly seq: number }
  | { readonly kind: 'duplicate'; readonly seq: number; readonly text: string };

/** One retained message. */
export interface StoredMessage {
  readonly seq: number;
  readonly text: string;
}

/** The settings the scripts need besides their keys. */
export interface RedisStoreSettings {
  readonly retainedHistory: number;
  /** `Infinity` keeps history for good. */
  readonly historyTtlMs: number;
  readonly presenceTtlMs: number;
  /** Most members of a room; a join past it is refused. */
  readonly maxRoomMembers: number;
}

/** Typed access to one room's data in Redis. */
export interface RedisStore {
  /** Appends and publishes a new message, or finds the original of a duplicate `(client, id)`. */
  say(
    keys: RoomKeys,
    say: { dedupeField: string; message: MessageAroundSeq; seqFloor: number },
  ): Promise<SayOutcome>;
  /** Adds a member and publishes its `join`; undefined when the room is full. */
  join(
    keys: RoomKeys,
    join: { memberId: string; leaveText: string; joinText: string; seqFloor: number },
  ): Promise<JoinSnapshot | undefined>;
  /** Removes a member and publishes its `leave`; false when it was not there. */
  leave(keys: RoomKeys, memberId: string): Promise<boolean>;
  /** Extends the presence of `memberIds`, reaps expired members; the room's seq and the ids that were gone. */
  heartbeat(
    keys: RoomKeys,
    memberIds: readonly string[],
  ): Promise<{ seq: number; missing: string[] }>;
  /** Retained messages with a seq above `afterSeq` and at most `upToSeq`, oldest first. */
  range(keys: RoomKeys, afterSeq: number, upToSeq?: number): Promise<StoredMessage[]>;
  /**
   * The newest retained messages with `after < seq < before`, at most `maxCount` and
   * `maxBytes` of text, oldest first, read in steps.
   */
  page(
    keys: RoomKeys,
    range: { after: number; before: number; maxCount: number; maxBytes: number },
  ): Promise<HistoryRead>;
}

/** A reply from Redis was not of the shape a script returns. */
export class RedisReplyError extends Error {
  constructor(what: string, reply: unknown) {
    super(`Unexpected Redis reply for ${what}: ${JSON.stringify(reply)?.slice(0, 200)}`);
    this.name = 'RedisReplyError';
  }
}

interface Script {
  readonly lua: string;
  readonly sha: string;
}

const loadScript = (lua: string): Script => ({
  lua,
  sha: createHash('sha1').update(lua).digest('hex'),
});

const SCRIPTS = {
  say: loadScript(SAY_SCRIPT),
  join: loadScript(JOIN_SCRIPT),
  leave: loadScript(LEAVE_SCRIPT),
  heartbeat: loadScript(HEARTBEAT_SCRIPT),
};

function isNoScript(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOSCRIPT');
}

function integer(what: string, value: unknown): number {
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
    throw new RedisReplyError(what, value);
  }
  return number;
}

function strings(what: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new RedisReplyError(what, value);
  }
  return value;
}

function array(what: string, value: unknown, length: number): unknown[] {
  if (!Array.isArray(value) || value.length < length) throw new RedisReplyError(what, value);
  return value;
}

// Members are stored as their `leave` presence JSON, which the reaper publishes as it is.
function membersOf(leaveTexts: readonly string[]): string[] {
  const members: string[] = [];
  for (const text of leaveTexts) {
    const parsed = presenceSchema.safeParse(JSON.parse(text));
    if (parsed.success) members.push(JSON.stringify(parsed.data.member));
  }
  return members;
}

function pairs(what: string, reply: unknown): StoredMessage[] {
  const flat = strings(what, reply);
  const messages: StoredMessage[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    messages.push({ seq: integer(`${what} seq`, flat[i + 1]), text: flat[i] as string });
  }
  return messages;
}

// The keys the join and heartbeat scripts take, in the order they name them (scripts.ts).
function roomKeysOf(keys: RoomKeys): string[] {
  return [keys.seq, keys.history, keys.dedupe, keys.members, keys.presence, keys.presenceSeq];
}

/** Creates the store on the commands connection `redis`. */
export function createRedisStore(redis: Redis, settings: RedisStoreSettings): RedisStore {
  const historyTtl = Number.isFinite(settings.historyTtlMs) ? settings.historyTtlMs : 0;

  async function run(
    script: Script,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    try {
      return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!isNoScript(error)) throw error;
      return redis.eval(script.lua, keys.length, ...keys, ...args);
    }
  }

  return {
    async say(keys, say) {
      const reply = array(
        'say',
        await run(
          SCRIPTS.say,
          [keys.seq, keys.history, keys.dedupe],
          [
            say.dedupeField,
            say.message.head,
            say.message.tail,
            settings.retainedHistory,
            keys.channel,
            historyTtl,
            say.seqFloor,
          ],
        ),
        2,
      );
      const seq = integer('say seq', reply[1]);
      if (integer('say kind', reply[0]) === 1) return { kind: 'new', seq };
      const text = reply[2];
      if (typeof text !== 'string') throw new RedisReplyError('say original', reply);
      return { kind: 'duplicate', seq, text };
    },

    async join(keys, join) {
      const reply = array(
        'join',
        await run(SCRIPTS.join, roomKeysOf(keys), [
          join.memberId,
          join.leaveText,
          join.joinText,
          keys.channel,
          settings.presenceTtlMs,
          historyTtl,
          join.seqFloor,
          settings.maxRoomMembers,
        ]),
        1,
      );
      if (integer('join seq', reply[0]) === -1) return undefined;
      array('join', reply, 3);
      return {
        seq: integer('join seq', reply[0]),
        memberJsons: membersOf(strings('join members', reply[1])),
        presenceSeq: integer('join presence seq', reply[2]),
      };
    },

    async leave(keys, memberId) {
      const reply = await run(
        SCRIPTS.leave,
        [keys.members, keys.presence, keys.presenceSeq],
        [memberId, keys.channel],
      );
      return integer('leave', reply) === 1;
    },

    async heartbeat(keys, memberIds) {
      const reply = array(
        'heartbeat',
        await run(SCRIPTS.heartbeat, roomKeysOf(keys), [
          keys.channel,
          settings.presenceTtlMs,
          historyTtl,
          ...memberIds,
        ]),
        2,
      );
      return { seq: integer('heartbeat seq', reply[0]), missing: strings('heartbeat', reply[1]) };
    },

    async range(keys, afterSeq, upToSeq) {
      return pairs(
        'range',
        await redis.zrangebyscore(
          keys.history,
          `(${afterSeq}`,
          upToSeq === undefined ? '+inf' : upToSeq,
          'WITHSCORES',
        ),
      );
    },

    async page(keys, { after, before, maxCount, maxBytes }) {
      const newestFirst: StoredMessage[] = [];
      let bytes = 0;
      let below = before;
      for (;;) {
        const step = Math.min(HISTORY_STEP, maxCount - newestFirst.length);
        if (step <= 0) return { messages: newestFirst.reverse(), whole: false };
        const read = pairs(
          'page',
          await redis.zrevrangebyscore(
            keys.history,
            `(${below}`,
            `(${after}`,
            'WITHSCORES',
            'LIMIT',
            0,
            step,
          ),
        );
        for (const message of read) {
          const cost = Buffer.byteLength(message.text);
          if (bytes + cost > maxBytes) return { messages: newestFirst.reverse(), whole: false };
          bytes += cost;
          newestFirst.push(message);
          below = message.seq;
        }
        if (read.length < step) return { messages: newestFirst.reverse(), whole: true };
      }
    },
  };
}
