import { PreparedMessage } from '@draftbridge/protocol-router';
import { decodeServerMessage } from '@draftbridge/shared-types';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedis } from '../test-support/redis-server.js';
import type { OutboundMessage } from './hub.js';
import { createMemoryHub } from './memory-hub.js';
import { createRedisHub, type RedisHub } from './redis-hub.js';
import { HubUnavailableError } from './redis-hub-errors.js';
import { createRoomKeys } from './redis-hub-keys.js';
import type { RedisHubOptions, RedisRole } from './redis-hub-options.js';
import { createRecordingMember, type RecordingMember } from './test-support/hub-member.js';

const NOW = 1_700_000_000_000;
const HEARTBEAT_MS = 50;
const PRESENCE_TTL_MS = 400;

const seqs = (messages: Record<string, unknown>[]) => messages.map((m) => m.seq);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const messageTexts = (member: RecordingMember) =>
  member.delivered.map((m) => m.text).filter((text) => text.startsWith('{"type":"message"'));

/** Retries `check` until it passes or `timeoutMs` runs out, then throws its last failure. */
async function eventually(check: () => unknown, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

function welcomeOf(member: RecordingMember) {
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
interface Instance {
  readonly hub: RedisHub;
  readonly connection: Record<RedisRole, Redis | undefined>;
  /** Cuts the instance off Redis as a crash would: no leave, no more heartbeats. */
  kill(): void;
}

describe('createRedisHub', () => {
  let redis: TestRedis;
  let admin: Redis;
  let prefix: string;
  let testNumber = 0;
  let hubs: RedisHub[] = [];

  async function instance(options: Partial<RedisHubOptions> = {}): Promise<Instance> {
    const connection: Record<RedisRole, Redis | undefined> = {
      commands: undefined,
      subscriber: undefined,
    };
    const hub = createRedisHub({
      url: redis.url,
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
    await eventually(async () => expect(await hub.health()).toEqual({ ok: true }));
    return {
      hub,
      connection,
      kill() {
        connection.commands?.disconnect();
        connection.subscriber?.disconnect();
      },
    };
  }

  beforeAll(async () => {
    redis = await startRedisServer({ durable: true });
    admin = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    admin.on('error', () => {});
    await admin.connect();
  });
  afterAll(async () => {
    admin.disconnect();
    await redis.dispose();
  });
  beforeEach(() => {
    testNumber += 1;
    prefix = `test${testNumber}:`;
    hubs = [];
  });
  afterEach(async () => {
    await Promise.all(hubs.map((hub) => hub.close()));
  });

  it('welcomes the joiner with the members of every instance, then tells the others', async () => {
    const a = await instance();
    const b = await instance();
    const ann = createRecordingMember('ann');
    const bob = createRecordingMember('bob', 'client-bob', 'hixie-76', 'faye-websocket');
    await a.hub.join(ann, 'lobby');
    await b.hub.join(bob, 'lobby');

    const welcome = welcomeOf(bob);
    expect(bob.received()[0]).toMatchObject({ type: 'welcome', self: bob.member, seq: 0 });
    expect(welcome.members).toHaveLength(2);
    expect(welcome.members).toEqual(expect.arrayContaining([ann.member, bob.member]));
    await eventually(() =>
      expect(ann.received()).toEqual([
        expect.objectContaining({ type: 'welcome', members: [ann.member] }),
        { type: 'presence', event: 'join', member: bob.member },
      ]),
    );
    // Nobody hears of their own join.
    expect(bob.receivedOf('presence')).toEqual([]);
    for (const outbound of [...ann.delivered, ...bob.delivered]) {
      expect(decodeServerMessage(outbound.text).ok).toBe(true);
    }
  });

  it('gives every member on every instance the same messages, in seq order from 1', async () => {
    const a = await instance();
    const b = await instance();
    const ann = createRecordingMember('ann');
    const bob = createRecordingMember('bob');
    const cid = createRecordingMember('cid');
    await a.hub.join(ann, 'lobby');
    await b.hub.join(bob, 'lobby');
    await a.hub.join(cid, 'lobby');

    // Concurrent says from both instances: Redis decides the order, everyone sees that order.
    const sends = [];
    for (let i = 0; i < 20; i += 1) {
      sends.push(a.hub.say(ann, 'lobby', `a${i}`, `from ann ${i}`));
      sends.push(b.hub.say(bob, 'lobby', `b${i}`, `from bob ${i}`));
      sends.push(a.hub.say(cid, 'lobby', `c${i}`, `from cid ${i}`));
    }
    await Promise.all(sends);

    await eventually(() => expect(seqs(bob.receivedOf('message'))).toEqual(range(1, 60)));
    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual(range(1, 60)));
    expect(messageTexts(ann)).toEqual(messageTexts(bob));
    expect(messageTexts(cid)).toEqual(messageTexts(bob));
  });

  it('hands one outbound object per message to all the members of an instance', async () => {
    const created: OutboundMessage[] = [];
    const a = await instance({
      createOutbound: (text) => {
        const outbound = new PreparedMessage(text);
        created.push(outbound);
        return outbound;
      },
    });
    const members = ['a', 'b', 'c'].map((id) => createRecordingMember(id));
    for (const member of members) await a.hub.join(member, 'lobby');
    await eventually(() => expect(members[0]?.receivedOf('presence')).toHaveLength(2));
    created.length = 0;

    await a.hub.say(members[0] as RecordingMember, 'lobby', 'x', 'once');

    await eventually(() => expect(created).toHaveLength(1));
    for (const member of members) expect(member.delivered.at(-1)).toBe(created[0]);
  });

  it('sends a message byte for byte as the in-memory hub does', async () => {
    const a = await instance();
    const memory = createMemoryHub({ now: () => NOW });
    const inRedis = createRecordingMember('ann', 'tab "1" ✓');
    const inMemory = createRecordingMember('ann', 'tab "1" ✓');
    await a.hub.join(inRedis, 'lobby');
    await memory.join(inMemory, 'lobby');
    const text = '  "quoted" \\ 😀 \u2028 <b>  ';
    await a.hub.say(inRedis, 'lobby', 'id-1', text);
    await memory.say(inMemory, 'lobby', 'id-1', text);
    await eventually(() => expect(messageTexts(inRedis)).toHaveLength(1));
    expect(messageTexts(inRedis)).toEqual(messageTexts(inMemory));
    await memory.close();
  });

  it('resumes on another instance with since, from the history in Redis', async () => {
    const a = await instance({ retainedHistory: 5, welcomeHistory: 3 });
    const b = await instance({ retainedHistory: 5, welcomeHistory: 3 });
    const ann = createRecordingMember('ann');
    await a.hub.join(ann, 'lobby');
    for (let i = 1; i <= 8; i += 1) await a.hub.say(ann, 'lobby', `m${i}`, `text ${i}`);

    const cases: [number | undefined, number[], boolean][] = [
      [5, [6, 7, 8], false],
      [3, [4, 5, 6, 7, 8], false],
      [2, [4, 5, 6, 7, 8], true],
      [8, [], false],
      [99, [6, 7, 8], true],
      [undefined, [6, 7, 8], false],
    ];
    for (const [since, expected, truncated] of cases) {
      const bob = createRecordingMember(`bob-${since}`);
      await b.hub.join(bob, 'lobby', since);
      const welcome = welcomeOf(bob);
      expect({
        since,
        history: seqs(welcome.history),
        truncated: welcome.truncated ?? false,
      }).toEqual({ since, history: expected, truncated });
      expect(welcome.seq).toBe(8);
      await b.hub.leave(bob, 'lobby');
    }
  });

  it('dedupes (client, id) across instances and answers the sender only', async () => {
    const a = await instance();
    const b = await instance();
    const first = createRecordingMember('ann-1', 'tab-1');
    const bob = createRecordingMember('bob');
    await a.hub.join(first, 'lobby');
    await b.hub.join(bob, 'lobby');
    await a.hub.say(first, 'lobby', 'm-1', 'hello');
    await eventually(() => expect(messageTexts(first)).toHaveLength(1));
    const original = messageTexts(first)[0];
    await a.hub.leave(first, 'lobby');

    const second = createRecordingMember('ann-2', 'tab-1');
    await b.hub.join(second, 'lobby', 1);
    await b.hub.say(second, 'lobby', 'm-1', 'hello again');

    expect(messageTexts(second)).toEqual([original]);
    await b.hub.say(bob, 'lobby', 'next', 'after');
    await eventually(() => expect(seqs(bob.receivedOf('message'))).toEqual([1, 2]));
    expect(messageTexts(bob)[0]).toBe(original);
  });

  it('keeps dedupe exactly as long as the message is retained, and no longer', async () => {
    const a = await instance({ retainedHistory: 3 });
    const ann = createRecordingMember('ann');
    await a.hub.join(ann, 'lobby');
    for (let i = 1; i <= 4; i += 1) await a.hub.say(ann, 'lobby', `m${i}`, `text ${i}`);
    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual([1, 2, 3, 4]));

    await a.hub.say(ann, 'lobby', 'm1', 'evicted, so new'); // seq 5
    await a.hub.say(ann, 'lobby', 'm4', 'retained, so a duplicate');
    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual([1, 2, 3, 4, 5, 4]));
    const keys = createRoomKeys(prefix, 'lobby');
    // One field and one back reference per retained message, nothing left behind.
    expect(await admin.hlen(keys.dedupe)).toBe(6);
    expect(await admin.zcard(keys.history)).toBe(3);
  });

  it('fills a gap from history when publications were missed', async () => {
    // No heartbeat catch-up during the test: the gap is seen and filled on publication 5.
    const a = await instance({ heartbeatMs: 10_000, presenceTtlMs: 30_000 });
    const b = await instance();
    const ann = createRecordingMember('ann');
    const bob = createRecordingMember('bob');
    await a.hub.join(ann, 'lobby');
    await b.hub.join(bob, 'lobby');
    await b.hub.say(bob, 'lobby', 'm1', 'one');
    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual([1]));

    // Behind the hub's back, so that it misses publications 2 to 4 without knowing.
    const channel = createRoomKeys(prefix, 'lobby').channel;
    await a.connection.subscriber?.unsubscribe(channel);
    for (let i = 2; i <= 4; i += 1) await b.hub.say(bob, 'lobby', `m${i}`, `text ${i}`);
    await a.connection.subscriber?.subscribe(channel);
    await b.hub.say(bob, 'lobby', 'm5', 'five');

    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual([1, 2, 3, 4, 5]));
    expect(messageTexts(ann)).toEqual(messageTexts(bob));
  });

  it('catches up a quiet room on the next heartbeat', async () => {
    const a = await instance({ heartbeatMs: 1000, presenceTtlMs: 5000 });
    const b = await instance();
    const ann = createRecordingMember('ann');
    const bob = createRecordingMember('bob');
    await a.hub.join(ann, 'lobby');
    await b.hub.join(bob, 'lobby');

    const channel = createRoomKeys(prefix, 'lobby').channel;
    await a.connection.subscriber?.unsubscribe(channel);
    await b.hub.say(bob, 'lobby', 'm1', 'one');
    await b.hub.say(bob, 'lobby', 'm2', 'two');
    await a.connection.subscriber?.subscribe(channel);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ann.receivedOf('message')).toEqual([]);

    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual([1, 2]), 2500);
  });

  it('resubscribes and delivers what it missed after its subscriber reconnects', async () => {
    const a = await instance({ heartbeatMs: 5000, presenceTtlMs: 20_000 });
    const b = await instance();
    const ann = createRecordingMember('ann');
    const bob = createRecordingMember('bob');
    await a.hub.join(ann, 'lobby');
    await b.hub.join(bob, 'lobby');

    await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    for (let i = 1; i <= 5; i += 1) await b.hub.say(bob, 'lobby', `m${i}`, `text ${i}`);

    // b's own subscription was killed too: both instances recover without a heartbeat.
    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual(range(1, 5)));
    await eventually(() => expect(seqs(bob.receivedOf('message'))).toEqual(range(1, 5)));
    await b.hub.say(bob, 'lobby', 'm6', 'live again');
    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual(range(1, 6)));
  });

  it('reaps the members of an instance that stopped beating, within the presence window', async () => {
    const a = await instance();
    const b = await instance();
    const ann = createRecordingMember('ann');
    const bob = createRecordingMember('bob');
    await a.hub.join(ann, 'lobby');
    await b.hub.join(bob, 'lobby');
    await eventually(() => expect(ann.receivedOf('presence')).toHaveLength(1));

    const killedAt = Date.now();
    a.kill();
    await eventually(
      () =>
        expect(bob.receivedOf('presence')).toEqual([
          { type: 'presence', event: 'leave', member: ann.member },
        ]),
      PRESENCE_TTL_MS + HEARTBEAT_MS + 1000,
    );
    expect(Date.now() - killedAt).toBeLessThanOrEqual(PRESENCE_TTL_MS + HEARTBEAT_MS + 500);

    const cid = createRecordingMember('cid');
    await b.hub.join(cid, 'lobby');
    expect(
      welcomeOf(cid)
        .members.map((m) => m.id)
        .sort(),
    ).toEqual(['bob', 'cid']);
    await b.hub.say(bob, 'lobby', 'still', 'here');
    await eventually(() => expect(seqs(cid.receivedOf('message'))).toEqual([1]));
    expect((await a.hub.health()).ok).toBe(false);
    await expect(a.hub.say(ann, 'lobby', 'lost', 'x')).rejects.toBeInstanceOf(HubUnavailableError);
  });

  it('keeps a live member that beats, and puts one back that was reaped by mistake', async () => {
    const a = await instance();
    const b = await instance();
    const ann = createRecordingMember('ann');
    const bob = createRecordingMember('bob');
    await a.hub.join(ann, 'lobby');
    await b.hub.join(bob, 'lobby');
    await new Promise((resolve) => setTimeout(resolve, PRESENCE_TTL_MS * 2));
    expect(bob.receivedOf('presence')).toEqual([]);

    // As if another instance had reaped ann while a could not reach Redis.
    const keys = createRoomKeys(prefix, 'lobby');
    await admin.hdel(keys.members, 'ann');
    await admin.zrem(keys.presence, 'ann');
    await eventually(() =>
      expect(bob.receivedOf('presence')).toEqual([
        { type: 'presence', event: 'join', member: ann.member },
      ]),
    );
    expect(await admin.hexists(keys.members, 'ann')).toBe(1);
  });

  it('announces a leave and a closing instance to the other instances', async () => {
    const a = await instance();
    const b = await instance();
    const ann = createRecordingMember('ann');
    const dan = createRecordingMember('dan');
    const bob = createRecordingMember('bob');
    await a.hub.join(ann, 'lobby');
    await a.hub.join(dan, 'lobby');
    await b.hub.join(bob, 'lobby');
    await a.hub.leave(ann, 'lobby');
    await a.hub.close();
    await eventually(() =>
      expect(bob.receivedOf('presence')).toEqual([
        { type: 'presence', event: 'leave', member: ann.member },
        { type: 'presence', event: 'leave', member: dan.member },
      ]),
    );
    const keys = createRoomKeys(prefix, 'lobby');
    expect(await admin.hkeys(keys.members)).toEqual(['bob']);
  });

  it('drops its subscription when its last member leaves', async () => {
    const a = await instance();
    const ann = createRecordingMember('ann');
    await a.hub.join(ann, 'lobby');
    const channel = createRoomKeys(prefix, 'lobby').channel;
    expect(await admin.pubsub('NUMSUB', channel)).toEqual([channel, 1]);
    await a.hub.leave(ann, 'lobby');
    await eventually(async () =>
      expect(await admin.pubsub('NUMSUB', channel)).toEqual([channel, 0]),
    );
    // And takes the room up again on the next join.
    const bob = createRecordingMember('bob');
    await a.hub.join(bob, 'lobby');
    await a.hub.say(bob, 'lobby', 'x', 'back');
    await eventually(() => expect(seqs(bob.receivedOf('message'))).toEqual([1]));
  });

  it('continues the seq after Redis lost its data instead of restarting at 1', async () => {
    const a = await instance();
    const ann = createRecordingMember('ann');
    await a.hub.join(ann, 'lobby');
    for (let i = 1; i <= 3; i += 1) await a.hub.say(ann, 'lobby', `m${i}`, `text ${i}`);
    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual([1, 2, 3]));

    await admin.flushall();
    await a.hub.say(ann, 'lobby', 'm4', 'after the loss');
    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual([1, 2, 3, 4]));
    const bob = createRecordingMember('bob');
    await a.hub.join(bob, 'lobby', 2);
    expect(welcomeOf(bob)).toMatchObject({ seq: 4, truncated: true });
  });

  it('refuses a say while Redis is down, and serves again once it is back', async () => {
    const a = await instance();
    const b = await instance();
    const ann = createRecordingMember('ann');
    const bob = createRecordingMember('bob');
    await a.hub.join(ann, 'lobby');
    await b.hub.join(bob, 'lobby');
    await a.hub.say(ann, 'lobby', 'm1', 'before');
    await eventually(() => expect(seqs(bob.receivedOf('message'))).toEqual([1]));

    await redis.stop('SIGKILL');
    const refused = await a.hub.say(ann, 'lobby', 'm2', 'during').catch((error) => error);
    expect(refused).toBeInstanceOf(HubUnavailableError);
    expect(refused).toMatchObject({ code: 'unavailable' });
    expect((await a.hub.health()).ok).toBe(false);
    expect((await b.hub.health()).ok).toBe(false);

    await redis.restart();
    await eventually(async () => expect(await a.hub.health()).toEqual({ ok: true }), 5000);
    await eventually(async () => expect(await b.hub.health()).toEqual({ ok: true }), 5000);
    await a.hub.say(ann, 'lobby', 'm2', 'during');
    await b.hub.say(bob, 'lobby', 'm3', 'after');
    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual([1, 2, 3]), 5000);
    await eventually(() => expect(seqs(bob.receivedOf('message'))).toEqual([1, 2, 3]), 5000);
    expect(messageTexts(ann)).toEqual(messageTexts(bob));
  });
});
