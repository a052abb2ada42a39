import { PreparedMessage } from '@draftbridge/protocol-router';
import { decodeServerMessage } from '@draftbridge/shared-types';
import { describe, expect, it } from 'vitest';
import { createMemoryHub } from '../memory-hub.js';
import {
  createBatchingMember,
  createRecordingMember,
  joinNewMember,
  type RecordingMember,
} from '../test-support/hub-member.js';
import { createRoomKeys } from './keys.js';
import {
  eventually,
  messageTexts,
  NOW,
  range,
  seqs,
  useRedisHubHarness,
  welcomeOf,
} from './test-support/harness.js';

describe('createRedisHub', () => {
  const h = useRedisHubHarness();

  it('welcomes the joiner with the members of every instance, then tells the others', async () => {
    const a = await h.instance();
    const b = await h.instance();
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
    const { a, b, ann, bob } = await h.annAndBob();
    const cid = await joinNewMember(a.hub, 'cid');

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

  it('hands one PreparedMessage per message to all the members of an instance', async () => {
    const a = await h.instance();
    const members = ['a', 'b', 'c'].map((id) => createRecordingMember(id));
    for (const member of members) await a.hub.join(member, 'lobby');
    await eventually(() => expect(members[0]?.receivedOf('presence')).toHaveLength(2));

    await a.hub.say(members[0] as RecordingMember, 'lobby', 'x', 'once');

    await eventually(() =>
      expect(members.map((member) => member.kinds.at(-1))).toEqual([
        'message',
        'message',
        'message',
      ]),
    );
    const outbound = members[0]?.delivered.at(-1);
    expect(outbound).toBeInstanceOf(PreparedMessage);
    for (const member of members) expect(member.delivered.at(-1)).toBe(outbound);
  });

  it('hands the messages of one read of its subscription to each member as one batch, frames shared', async () => {
    // No heartbeat on the paused instance while the 20 are published: its catch-up reads what
    // the paused subscription is behind on from history and delivers it (as it should), which
    // split the batch wherever 20 round trips took longer than the harness's 50 ms heartbeat.
    const quiet = { heartbeatMs: 60_000, presenceTtlMs: 120_000 };
    const { a, b, bob } = await h.annAndBob(quiet);
    const members = ['c', 'd'].map((id) => createBatchingMember(id));
    for (const member of members) await a.hub.join(member, 'lobby');
    const watcher = members[0] as RecordingMember;
    await eventually(() => expect(watcher.receivedOf('presence')).toHaveLength(1));

    // Held in the subscriber's socket until all 20 are published: one read brings them all.
    const stream = a.connection.subscriber?.stream;
    stream?.pause();
    for (let i = 1; i <= 20; i += 1) await b.hub.say(bob, 'lobby', `m${i}`, `text ${i}`);
    // Redis may answer a `say` before it writes the publication out; a later round trip comes
    // after that write.
    await h.admin.ping();
    stream?.resume();

    for (const member of members) {
      await eventually(() => expect(seqs(member.receivedOf('message'))).toEqual(range(1, 20)));
      expect(member.batches).toEqual([20]);
    }
    const [first, second] = members.map((member) => member.delivered.slice(-20));
    for (let i = 0; i < 20; i += 1) expect(second?.[i]).toBe(first?.[i]);
    expect(messageTexts(watcher)).toEqual(messageTexts(bob));
  });

  it('sends a message byte for byte as the in-memory hub does', async () => {
    const a = await h.instance();
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
    const a = await h.instance({ retainedHistory: 5, welcomeHistory: 3 });
    const b = await h.instance({ retainedHistory: 5, welcomeHistory: 3 });
    const ann = await joinNewMember(a.hub, 'ann');
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
    const a = await h.instance();
    const b = await h.instance();
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
    const a = await h.instance({ retainedHistory: 3 });
    const ann = await joinNewMember(a.hub, 'ann');
    for (let i = 1; i <= 4; i += 1) await a.hub.say(ann, 'lobby', `m${i}`, `text ${i}`);
    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual([1, 2, 3, 4]));

    await a.hub.say(ann, 'lobby', 'm1', 'evicted, so new'); // seq 5
    await a.hub.say(ann, 'lobby', 'm4', 'retained, so a duplicate');
    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual([1, 2, 3, 4, 5, 4]));
    const keys = createRoomKeys(h.prefix, 'lobby');
    // One field and one back reference per retained message, nothing left behind.
    expect(await h.admin.hlen(keys.dedupe)).toBe(6);
    expect(await h.admin.zcard(keys.history)).toBe(3);
  });

  it('drops its subscription when its last member leaves', async () => {
    const a = await h.instance();
    const ann = await joinNewMember(a.hub, 'ann');
    const channel = createRoomKeys(h.prefix, 'lobby').channel;
    expect(await h.admin.pubsub('NUMSUB', channel)).toEqual([channel, 1]);
    await a.hub.leave(ann, 'lobby');
    await eventually(async () =>
      expect(await h.admin.pubsub('NUMSUB', channel)).toEqual([channel, 0]),
    );
    // And takes the room up again on the next join.
    const bob = await joinNewMember(a.hub, 'bob');
    await a.hub.say(bob, 'lobby', 'x', 'back');
    await eventually(() => expect(seqs(bob.receivedOf('message'))).toEqual([1]));
  });
});
