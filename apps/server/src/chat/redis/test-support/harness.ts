/**
 * Redis hub tests without servers: one real redis-server per test file, hubs standing for
 * server instances, a key prefix of their own per test, and everything closed after each test.
 */
import { eventually } from '@draftbridge/protocol-router/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startRedisServer, type TestRedis } from '../../../test-support/redis-server.js';
import { createRecordingMember, type RecordingMember } from '../../test-support/hub-member.js';
import type { RedisHubOptions, RedisRole } from '../options.js';
import { createRedisHub, type RedisHub } from '../redis-hub.js';

/** The clock of every test hub. */
export const NOW = 1_700_000_000_000;
/** A heartbeat short enough for presence tests to run in well under a second. */
export const HEARTBEAT_MS = 50;
/** The presence window of the test hubs. */
export const PRESENCE_TTL_MS = 400;

/** The `seq` of each message. */
export const seqs = (messages: Record<string, unknown>[]) => messages.map((m) => m.seq);

/** `[from, ..., to]`. */
export const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** The exact text of every `message` a member received, in order. */
export const messageTexts = (member: RecordingMember) =>
  member.delivered.map((m) => m.text).filter((text) => text.startsWith('{"type":"message"'));

// The Redis suites import the one `eventually` through this harness.
export { eventually };

/** The last `welcome` a member received. */
export function welcomeOf(member: RecordingMember) {
  const welcome = member.receivedOf('welcome').at(-1);
  if (welcome === undefined) throw new Error(`no welcome for ${member.member.id}`);
  return welcome as {
    seq: number;
    history: Record<string, unknown>[];
    truncated?: boolean;
    members: { id: string }[];
  };
}

/** One hub as one server instance would hold it, with its Redis connections in reach. */
export interface Instance {
  readonly hub: RedisHub;
  readonly connection: Record<RedisRole, Redis | undefined>;
  /** Cuts the instance off Redis as a crash would: no leave, no more heartbeats. */
  kill(): void;
}

/** What a test file gets from the harness; read its fields inside tests, not at collection. */
export interface RedisHubHarness {
  readonly redis: TestRedis;
  /** A plain connection for looking at, or tampering with, the keys behind the hubs' backs. */
  readonly admin: Redis;
  /** This test's key prefix. */
  readonly prefix: string;
  /** Starts a hub on this test's prefix and waits until it reaches Redis. */
  instance(options?: Partial<RedisHubOptions>): Promise<Instance>;
  /** Starts two instances and joins ann on the first, then bob on the second, to `lobby`. */
  annAndBob(
    aOptions?: Partial<RedisHubOptions>,
    bOptions?: Partial<RedisHubOptions>,
  ): Promise<AnnAndBob>;
}

/** Two instances with one member each in `lobby`. */
export interface AnnAndBob {
  readonly a: Instance;
  readonly b: Instance;
  readonly ann: RecordingMember;
  readonly bob: RecordingMember;
}

/** Registers the hooks of a Redis hub test file (call it inside `describe`). */
export function useRedisHubHarness(): RedisHubHarness {
  let redis: TestRedis | undefined;
  let admin: Redis | undefined;
  let prefix = '';
  let testNumber = 0;
  let hubs: RedisHub[] = [];
  const required = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the Redis hub harness is not started');
    return value;
  };

  beforeAll(async () => {
    redis = await startRedisServer({ durable: true });
    admin = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    admin.on('error', () => {});
    await admin.connect();
  });
  afterAll(async () => {
    admin?.disconnect();
    await redis?.dispose();
  });
  beforeEach(() => {
    testNumber += 1;
    prefix = `test${testNumber}:`;
    hubs = [];
  });
  afterEach(async () => {
    await Promise.all(hubs.map((hub) => hub.close()));
  });

  const harness: RedisHubHarness = {
    get redis() {
      return required(redis);
    },
    get admin() {
      return required(admin);
    },
    get prefix() {
      return prefix;
    },
    async instance(options = {}) {
      const connection: Record<RedisRole, Redis | undefined> = {
        commands: undefined,
        subscriber: undefined,
      };
      const hub = createRedisHub({
        url: required(redis).url,
        keyPrefix: prefix,
        heartbeatMs: HEARTBEAT_MS,
        presenceTtlMs: PRESENCE_TTL_MS,
        reconnectMaxDelayMs: 100,
        now: () => NOW,
        connect: (role, defaults) => {
          connection[role] = defaults();
          return connection[role];
        },
        ...options,
      });
      hubs.push(hub);
      await eventually(async () => {
        const health = await hub.health();
        if (!health.ok) throw new Error(`hub not ready: ${health.detail}`);
      });
      return {
        hub,
        connection,
        kill() {
          connection.commands?.disconnect();
          connection.subscriber?.disconnect();
        },
      };
    },
    async annAndBob(aOptions = {}, bOptions = {}) {
      const a = await harness.instance(aOptions);
      const b = await harness.instance(bOptions);
      const ann = createRecordingMember('ann');
      const bob = createRecordingMember('bob');
      await a.hub.join(ann, 'lobby');
      await b.hub.join(bob, 'lobby');
      return { a, b, ann, bob };
    },
  };
  return harness;
}
