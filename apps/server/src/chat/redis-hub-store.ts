/**
 * The Redis hub's data in Redis: one typed call per Lua script (redis-hub-scripts.ts), plus
 * the history range read that fills gaps. Replies are data from the network, so each one is
 * checked before it is used.
 *
 * Scripts run by SHA (EVALSHA) and are sent in full only when Redis does not know them yet,
 * as after a restart; a NOSCRIPT reply means the script did not run, so running it again is safe.
 */
import { createHash } from 'node:crypto';
import { type Member, presenceSchema } from '@draftbridge/shared-types';
import type { Redis } from 'ioredis';
import type { MessageAroundSeq } from './redis-hub-codec.js';
import type { RoomKeys } from './redis-hub-keys.js';
import { HEARTBEAT_SCRIPT, JOIN_SCRIPT, LEAVE_SCRIPT, SAY_SCRIPT } from './redis-hub-scripts.js';

/** What the join script returns: everything a `welcome` is made of. */
export interface JoinSnapshot {
  readonly seq: number;
  readonly truncated: boolean;
  /** Retained `message` JSON texts, oldest first. */
  readonly history: string[];
  /** Every member of the room on every instance, the joiner included. */
  readonly members: Member[];
  /** The room's presence counter after this join. */
  readonly presenceSeq: number;
}

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
}

/** Typed access to one room's data in Redis. */
export interface RedisStore {
  /** Appends and publishes a new message, or finds the original of a duplicate `(client, id)`. */
  say(
    keys: RoomKeys,
    say: { dedupeField: string; message: MessageAroundSeq; seqFloor: number },
  ): Promise<SayOutcome>;
  /** Adds a member, publishes its `join`, and reads its welcome (`welcomeCount` 0: none). */
  join(
    keys: RoomKeys,
    join: {
      memberId: string;
      leaveText: string;
      joinText: string;
      since: number | undefined;
      welcomeCount: number;
      seqFloor: number;
    },
  ): Promise<JoinSnapshot>;
  /** Removes a member and publishes its `leave`; false when it was not there. */
  leave(keys: RoomKeys, memberId: string): Promise<boolean>;
  /** Extends the presence of `memberIds`, reaps expired members; the room's seq and the ids that were gone. */
  heartbeat(
    keys: RoomKeys,
    memberIds: readonly string[],
  ): Promise<{ seq: number; missing: string[] }>;
  /** Retained messages with a seq above `afterSeq` and at most `upToSeq`, oldest first. */
  range(keys: RoomKeys, afterSeq: number, upToSeq?: number): Promise<StoredMessage[]>;
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
function membersOf(leaveTexts: readonly string[]): Member[] {
  const members: Member[] = [];
  for (const text of leaveTexts) {
    const parsed = presenceSchema.safeParse(JSON.parse(text));
    if (parsed.success) members.push(parsed.data.member);
  }
  return members;
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
        await run(
          SCRIPTS.join,
          [keys.seq, keys.history, keys.dedupe, keys.members, keys.presence, keys.presenceSeq],
          [
            join.memberId,
            join.leaveText,
            join.joinText,
            keys.channel,
            settings.presenceTtlMs,
            join.since === undefined ? '' : join.since,
            join.welcomeCount,
            historyTtl,
            join.seqFloor,
          ],
        ),
        5,
      );
      return {
        seq: integer('join seq', reply[0]),
        truncated: integer('join truncated', reply[1]) === 1,
        history: strings('join history', reply[2]),
        members: membersOf(strings('join members', reply[3])),
        presenceSeq: integer('join presence seq', reply[4]),
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
        await run(
          SCRIPTS.heartbeat,
          [keys.seq, keys.history, keys.dedupe, keys.members, keys.presence, keys.presenceSeq],
          [keys.channel, settings.presenceTtlMs, historyTtl, ...memberIds],
        ),
        2,
      );
      return { seq: integer('heartbeat seq', reply[0]), missing: strings('heartbeat', reply[1]) };
    },

    async range(keys, afterSeq, upToSeq) {
      const reply = strings(
        'range',
        await redis.zrangebyscore(
          keys.history,
          `(${afterSeq}`,
          upToSeq === undefined ? '+inf' : upToSeq,
          'WITHSCORES',
        ),
      );
      const messages: StoredMessage[] = [];
      for (let i = 0; i + 1 < reply.length; i += 2) {
        messages.push({ seq: integer('range seq', reply[i + 1]), text: reply[i] as string });
      }
      return messages;
    },
  };
}
