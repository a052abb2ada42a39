import { PreparedMessage } from '@draftbridge/protocol-router';
import {
  DEFAULT_RETAINED_HISTORY,
  DEFAULT_WELCOME_HISTORY,
  decodeServerMessage,
} from '@draftbridge/shared-types';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_EMPTY_ROOM_TTL_MS, ROOM_OVERHEAD_BYTES } from '../constants.js';
import { createMetrics } from '../metrics.js';
import { useFakeTimersPerTest } from '../test-support/fake-timers.js';
import type { Hub } from './hub.js';
import { createMemoryHub, type MemoryHubOptions } from './memory-hub.js';
import {
  createBatchingMember,
  createRecordingMember,
  joinNewMember,
  type RecordingMember,
} from './test-support/hub-member.js';

async function sayMany(hub: Hub, member: RecordingMember, room: string, count: number) {
  for (let i = 1; i <= count; i += 1) await hub.say(member, room, `m${i}`, `text ${i}`);
}

const seqs = (messages: Record<string, unknown>[]) => messages.map((m) => m.seq);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

function welcomeOf(member: RecordingMember) {
  const welcome = member.receivedOf('welcome').at(-1);
  if (welcome === undefined) throw new Error('no welcome');
  return welcome as {
    seq: number;
    history: Record<string, unknown>[];
    truncated?: boolean;
    members: unknown[];
    self: unknown;
  };
}

describe('createMemoryHub', () => {
  let hub: Hub;
  beforeEach(() => {
    hub = createMemoryHub({ now: () => 1_700_000_000_000, presenceWindowMs: 0 });
  });
  afterEach(() => hub.close());

  it('welcomes the joiner with itself among the members, then tells the others', async () => {
    const ann = createRecordingMember('ann');
    const bob = createRecordingMember('bob', 'client-bob', 'hixie-76', 'faye-websocket');
    await hub.join(ann, 'lobby');
    await hub.join(bob, 'lobby');

    expect(bob.received()).toEqual([
      {
        type: 'welcome',
        room: 'lobby',
        self: bob.member,
        members: [ann.member, bob.member],
        history: [],
        seq: 0,
      },
    ]);
    expect(ann.received()).toEqual([
      expect.objectContaining({ type: 'welcome', members: [ann.member] }),
      { type: 'presence', event: 'join', member: bob.member },
    ]);
  });

  it('produces welcomes that the contract schema accepts', async () => {
    const ann = await joinNewMember(hub, 'ann');
    await sayMany(hub, ann, 'lobby', 3);
    const bob = await joinNewMember(hub, 'bob', 'lobby', 1);
    for (const outbound of [...ann.delivered, ...bob.delivered]) {
      expect(decodeServerMessage(outbound.text).ok).toBe(true);
    }
  });

  it('numbers messages from 1 with no gaps, the same for every member', async () => {
    const ann = createRecordingMember('ann');
    const bob = createRecordingMember('bob');
    await hub.join(ann, 'lobby');
    await hub.join(bob, 'lobby');
    for (let i = 0; i < 30; i += 1) {
      const sender = i % 3 === 0 ? bob : ann;
      await hub.say(sender, 'lobby', `m${i}`, `hello ${i}`);
    }
    expect(seqs(ann.receivedOf('message'))).toEqual(range(1, 30));
    expect(ann.receivedOf('message')).toEqual(bob.receivedOf('message'));
  });

  it('keeps a separate seq per room', async () => {
    const ann = createRecordingMember('ann');
    const bob = createRecordingMember('bob');
    await hub.join(ann, 'one');
    await hub.join(bob, 'two');
    await sayMany(hub, ann, 'one', 3);
    await sayMany(hub, bob, 'two', 2);
    expect(seqs(ann.receivedOf('message'))).toEqual([1, 2, 3]);
    expect(seqs(bob.receivedOf('message'))).toEqual([1, 2]);
  });

  it('fills every field of a message and keeps the text exactly as sent', async () => {
    const ann = createRecordingMember('ann', 'tab-1');
    await hub.join(ann, 'lobby');
    await hub.say(ann, 'lobby', 'id-1', '  spaced  ');
    expect(ann.receivedOf('message')).toEqual([
      {
        type: 'message',
        room: 'lobby',
        seq: 1,
        id: 'id-1',
        client: 'tab-1',
        text: '  spaced  ',
        ts: 1_700_000_000_000,
        from: ann.member,
      },
    ]);
  });

  it('serializes a message once and hands the same frames to every member', async () => {
    const stringify = vi.spyOn(JSON, 'stringify');
    const shared = createMemoryHub({ presenceWindowMs: 0 });
    const alone = await joinNewMember(shared, 'alone', 'solo');
    const members = ['a', 'b', 'c', 'd'].map((id) => createRecordingMember(id));
    for (const member of members) await shared.join(member, 'lobby');

    stringify.mockClear();
    await shared.say(alone, 'solo', 'x', 'once');
    const forOne = stringify.mock.calls.length;
    stringify.mockClear();
    await shared.say(members[0] as RecordingMember, 'lobby', 'x', 'once');

    // What serializing costs does not grow with the room, and the sender (an object) is not
    // serialized again: its JSON is the one made when it joined.
    expect(forOne).toBeGreaterThan(0);
    expect(stringify).toHaveBeenCalledTimes(forOne);
    expect(stringify.mock.calls.filter(([value]) => typeof value === 'object')).toEqual([]);
    const outbound = members[0]?.delivered.at(-1);
    expect(outbound).toBeInstanceOf(PreparedMessage);
    for (const member of members) {
      expect(member.delivered.at(-1)).toBe(outbound);
      expect(member.kinds.at(-1)).toBe('message');
    }
    stringify.mockRestore();
    await shared.close();
  });

  it("hands a batching member a turn's messages as one batch, in the order of everything else", async () => {
    const shared = createMemoryHub({ presenceWindowMs: 0 });
    const [ann, bob] = [createBatchingMember('ann'), createBatchingMember('bob')];
    const plain = createRecordingMember('plain');
    await shared.join(ann, 'lobby');
    await shared.join(bob, 'lobby');
    await shared.join(plain, 'lobby');
    await new Promise((resolve) => setImmediate(resolve));
    const seen = ann.kinds.length;

    // One turn: two messages, then a join (its welcome holds them), a third, a resend.
    await shared.say(ann, 'lobby', 'm1', 'one');
    await shared.say(bob, 'lobby', 'm2', 'two');
    expect(ann.kinds.length).toBe(seen);
    expect(plain.receivedOf('message')).toHaveLength(2);
    const late = createBatchingMember('late');
    await shared.join(late, 'lobby');
    await shared.say(ann, 'lobby', 'm3', 'three');
    await shared.say(ann, 'lobby', 'm1', 'one');
    await new Promise((resolve) => setImmediate(resolve));

    const order = (member: RecordingMember) =>
      member
        .received()
        .map((message) => (message.type === 'message' ? `${message.seq}` : `${message.type}`));
    // Handed over before the join's presence and before the duplicate, the rest at the turn.
    expect(ann.batches).toEqual([2, 1]);
    expect(order(ann).slice(-5)).toEqual(['1', '2', 'presence', '3', '1']);
    expect(ann.kinds.at(-1)).toBe('duplicate');
    expect(order(bob).slice(-4)).toEqual(['1', '2', 'presence', '3']);
    expect(order(plain).slice(-4)).toEqual(['1', '2', 'presence', '3']);
    // The late member's welcome had 1 and 2: it is handed 3 alone.
    expect(welcomeOf(late).history.map((message) => message.seq)).toEqual([1, 2]);
    expect(late.batches).toEqual([1]);
    expect(order(late)).toEqual(['welcome', '3']);
    await shared.close();
  });

  it('hands over what a turn still holds when a member leaves or the hub closes', async () => {
    const shared = createMemoryHub({ presenceWindowMs: 0 });
    const [ann, bob] = [createBatchingMember('ann'), createBatchingMember('bob')];
    await shared.join(ann, 'lobby');
    await shared.join(bob, 'lobby');
    await shared.say(ann, 'lobby', 'm1', 'one');
    await shared.leave(bob, 'lobby');
    expect(bob.receivedOf('message').map((message) => message.seq)).toEqual([1]);
    await shared.say(ann, 'lobby', 'm2', 'two');
    await shared.close();
    expect(ann.receivedOf('message').map((message) => message.seq)).toEqual([1, 2]);
  });

  it('serializes a presence once for all the others', async () => {
    const members = ['a', 'b', 'c'].map((id) => createRecordingMember(id));
    for (const member of members) await hub.join(member, 'lobby');
    await joinNewMember(hub, 'late');
    const presences = members.map((member) => member.delivered.at(-1));
    expect(presences[0]?.text).toContain('"presence"');
    expect(presences[1]).toBe(presences[0]);
    expect(presences[2]).toBe(presences[0]);
  });

  it('answers a duplicate (client, id) with the original message, to the sender only', async () => {
    const ann = createRecordingMember('ann', 'tab-1');
    const bob = createRecordingMember('bob');
    await hub.join(ann, 'lobby');
    await hub.join(bob, 'lobby');
    await hub.say(ann, 'lobby', 'dup', 'first');
    const original = ann.delivered.at(-1)?.text;

    await hub.say(ann, 'lobby', 'dup', 'second try');

    expect(ann.delivered.at(-1)?.text).toBe(original);
    expect(bob.receivedOf('message')).toHaveLength(1);
    await hub.say(bob, 'lobby', 'next', 'after');
    expect(seqs(bob.receivedOf('message'))).toEqual([1, 2]);
  });

  it('dedupes a resend from a new connection of the same client after a reconnect', async () => {
    const first = createRecordingMember('ann-1', 'tab-1');
    const other = createRecordingMember('bob');
    await hub.join(first, 'lobby');
    await hub.join(other, 'lobby');
    await hub.say(first, 'lobby', 'm-1', 'hello');
    await hub.leave(first, 'lobby');

    const second = createRecordingMember('ann-2', 'tab-1');
    await hub.join(second, 'lobby', 0);
    await hub.say(second, 'lobby', 'm-1', 'hello');

    expect(second.receivedOf('message')).toEqual([
      expect.objectContaining({ seq: 1, id: 'm-1', from: first.member }),
    ]);
    expect(other.receivedOf('message')).toHaveLength(1);
  });

  it('treats the same id from another client as a new message', async () => {
    const ann = createRecordingMember('ann', 'tab-1');
    const bob = createRecordingMember('bob', 'tab-2');
    await hub.join(ann, 'lobby');
    await hub.join(bob, 'lobby');
    await hub.say(ann, 'lobby', 'same', 'a');
    await hub.say(bob, 'lobby', 'same', 'b');
    expect(seqs(ann.receivedOf('message'))).toEqual([1, 2]);
  });

  it('keeps dedupe exactly as long as the message is retained', async () => {
    const small = createMemoryHub({ retainedHistory: 3, welcomeHistory: 3 });
    const ann = await joinNewMember(small, 'ann');
    await sayMany(small, ann, 'lobby', 4); // m1 falls out of the history
    await small.say(ann, 'lobby', 'm2', 'again');
    expect(seqs(ann.receivedOf('message'))).toEqual([1, 2, 3, 4, 2]);
    await small.say(ann, 'lobby', 'm1', 'again');
    expect(seqs(ann.receivedOf('message'))).toEqual([1, 2, 3, 4, 2, 5]);
    await small.close();
  });

  it('sends the latest 50 messages in a welcome without since', async () => {
    const ann = await joinNewMember(hub, 'ann');
    await sayMany(hub, ann, 'lobby', 120);
    const bob = await joinNewMember(hub, 'bob');
    const welcome = welcomeOf(bob);
    expect(welcome.seq).toBe(120);
    expect(seqs(welcome.history)).toEqual(range(120 - DEFAULT_WELCOME_HISTORY + 1, 120));
    expect(welcome.truncated).toBeUndefined();
  });

  it('puts history in the welcome byte for byte as it was broadcast', async () => {
    const ann = await joinNewMember(hub, 'ann');
    await sayMany(hub, ann, 'lobby', 3);
    const bob = await joinNewMember(hub, 'bob');
    const welcomeText = bob.delivered[0]?.text ?? '';
    const broadcast = ann.delivered.slice(1, 4);
    expect(broadcast.map((outbound) => JSON.parse(outbound.text).type)).toEqual([
      'message',
      'message',
      'message',
    ]);
    for (const outbound of broadcast) expect(welcomeText).toContain(outbound.text);
  });

  it('resumes with every message after since', async () => {
    const ann = await joinNewMember(hub, 'ann');
    await sayMany(hub, ann, 'lobby', 200);
    const bob = await joinNewMember(hub, 'bob', 'lobby', 17);
    const welcome = welcomeOf(bob);
    expect(seqs(welcome.history)).toEqual(range(18, 200));
    expect(welcome.truncated).toBeUndefined();
  });

  it('resumes with nothing when since is the latest seq, and from the start with since 0', async () => {
    const ann = await joinNewMember(hub, 'ann');
    await sayMany(hub, ann, 'lobby', 5);
    const upToDate = await joinNewMember(hub, 'up', 'lobby', 5);
    expect(welcomeOf(upToDate)).toMatchObject({ seq: 5, history: [] });
    expect(welcomeOf(upToDate).truncated).toBeUndefined();
    const fresh = await joinNewMember(hub, 'fresh', 'lobby', 0);
    expect(seqs(welcomeOf(fresh).history)).toEqual(range(1, 5));
  });

  it('marks a resume truncated when messages after since are no longer retained', async () => {
    const ann = await joinNewMember(hub, 'ann');
    await sayMany(hub, ann, 'lobby', DEFAULT_RETAINED_HISTORY + 10);

    const late = await joinNewMember(hub, 'late', 'lobby', 5);
    expect(welcomeOf(late).truncated).toBe(true);
    expect(seqs(welcomeOf(late).history)).toEqual(range(11, DEFAULT_RETAINED_HISTORY + 10));

    // since 10 needs 11 onwards, which is exactly the oldest retained message.
    const justInTime = await joinNewMember(hub, 'just', 'lobby', 10);
    expect(welcomeOf(justInTime).truncated).toBeUndefined();
    expect(welcomeOf(justInTime).history).toHaveLength(DEFAULT_RETAINED_HISTORY);
  });

  it('marks a since beyond the room seq truncated and sends the latest messages', async () => {
    const ann = await joinNewMember(hub, 'ann');
    await sayMany(hub, ann, 'lobby', 3);
    const fromBefore = await joinNewMember(hub, 'old', 'lobby', 99);
    expect(welcomeOf(fromBefore)).toMatchObject({ seq: 3, truncated: true });
    expect(seqs(welcomeOf(fromBefore).history)).toEqual([1, 2, 3]);
  });

  it('tells the rest when a member leaves, and stops delivering to it', async () => {
    const ann = createRecordingMember('ann');
    const bob = createRecordingMember('bob');
    await hub.join(ann, 'lobby');
    await hub.join(bob, 'lobby');
    await hub.leave(bob, 'lobby');
    expect(ann.received().at(-1)).toEqual({ type: 'presence', event: 'leave', member: bob.member });
    await hub.say(ann, 'lobby', 'x', 'gone?');
    expect(bob.receivedOf('message')).toHaveLength(0);
    expect(bob.receivedOf('presence')).toHaveLength(0);
    await expect(hub.say(bob, 'lobby', 'y', 'not here')).rejects.toThrow(/not in room/);
  });

  it('ignores a leave from a member that is not in the room', async () => {
    const ann = await joinNewMember(hub, 'ann');
    await hub.leave(createRecordingMember('ghost'), 'lobby');
    await hub.leave(ann, 'elsewhere');
    expect(ann.received()).toHaveLength(1);
  });

  it('keeps delivering to the others when one deliver throws', async () => {
    const errors: unknown[] = [];
    const tolerant = createMemoryHub({
      onDeliverError: (error) => errors.push(error),
      presenceWindowMs: 0,
    });
    const broken = createRecordingMember('broken');
    const ann = createRecordingMember('ann');
    await tolerant.join(broken, 'lobby');
    await tolerant.join(ann, 'lobby');
    broken.deliver = () => {
      throw new Error('boom');
    };
    await tolerant.say(ann, 'lobby', 'x', 'still here');
    expect(ann.receivedOf('message')).toHaveLength(1);
    expect(errors).toHaveLength(1);
    await tolerant.close();
  });

  it('refuses to work once closed', async () => {
    await hub.close();
    await expect(hub.join(createRecordingMember('ann'), 'lobby')).rejects.toThrow(/closed/);
  });
});

describe('createMemoryHub room lifetime', () => {
  useFakeTimersPerTest();

  it('keeps an empty room with history for the TTL so that a member can resume', async () => {
    const hub = createMemoryHub();
    const ann = await joinNewMember(hub, 'ann');
    await sayMany(hub, ann, 'lobby', 3);
    await hub.leave(ann, 'lobby');
    vi.advanceTimersByTime(DEFAULT_EMPTY_ROOM_TTL_MS - 1);

    const back = await joinNewMember(hub, 'back', 'lobby', 1);
    expect(seqs(welcomeOf(back).history)).toEqual([2, 3]);
    // Rejoining cancelled the eviction.
    vi.advanceTimersByTime(DEFAULT_EMPTY_ROOM_TTL_MS * 2);
    await hub.say(back, 'lobby', 'm4', 'still counting');
    expect(seqs(back.receivedOf('message'))).toEqual([4]);
    await hub.close();
  });

  it('frees an idle room but never restarts its seq', async () => {
    const hub = createMemoryHub({ emptyRoomTtlMs: 1000 });
    const ann = await joinNewMember(hub, 'ann');
    await sayMany(hub, ann, 'lobby', 3);
    await hub.leave(ann, 'lobby');
    vi.advanceTimersByTime(1000);

    const back = await joinNewMember(hub, 'back', 'lobby', 2);
    expect(welcomeOf(back)).toMatchObject({ seq: 3, history: [], truncated: true });
    await hub.say(back, 'lobby', 'm1', 'same id as before, new message');
    expect(seqs(back.receivedOf('message'))).toEqual([4]);
    await hub.close();
  });

  it('drops a room that never had a message at once', async () => {
    const hub = createMemoryHub();
    const ann = await joinNewMember(hub, 'ann');
    await hub.leave(ann, 'lobby');
    expect(vi.getTimerCount()).toBe(0);
    await hub.close();
  });

  it('clears its timers on close', async () => {
    const hub = createMemoryHub();
    const ann = await joinNewMember(hub, 'ann');
    await hub.say(ann, 'lobby', 'm', 'x');
    await hub.leave(ann, 'lobby');
    expect(vi.getTimerCount()).toBe(1);
    await hub.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('createMemoryHub bounds (issue 11)', () => {
  const big = (n: number) => `${n} ${'x'.repeat(1000)}`;

  /** A hub with `options` and ann in `room`, who has said 100 messages of about 1 KiB each. */
  async function hubWithBigHistory(options: MemoryHubOptions, room = 'lobby') {
    const hub = createMemoryHub({ ...options, presenceWindowMs: 0 });
    const ann = await joinNewMember(hub, 'ann', room);
    for (let i = 1; i <= 100; i += 1) await hub.say(ann, room, `m${i}`, big(i));
    return { hub, ann };
  }

  it('keeps a welcome within one page of bytes and says a resume is truncated', async () => {
    const { hub } = await hubWithBigHistory({ historyPageBytes: 16 * 1024 });
    const fresh = await joinNewMember(hub, 'fresh');
    const latest = welcomeOf(fresh);
    expect(latest.truncated).toBeUndefined();
    expect(JSON.stringify(latest.history).length).toBeLessThanOrEqual(16 * 1024);
    expect(seqs(latest.history).at(-1)).toBe(100);
    const resumer = await joinNewMember(hub, 'resumer', 'lobby', 10);
    const resumed = welcomeOf(resumer);
    expect(resumed.truncated).toBe(true);
    // The newest that fit, in order, ending at the room's seq.
    const got = seqs(resumed.history) as number[];
    expect(got).toEqual(range(got[0] ?? 0, 100));
    expect(got.length).toBeGreaterThan(5);
    await hub.close();
  });

  it('pages history back from any seq until it reaches the start', async () => {
    const { hub } = await hubWithBigHistory({ historyPageBytes: 16 * 1024 });
    const pager = await joinNewMember(hub, 'pager', 'lobby', 0);
    let before = (seqs(welcomeOf(pager).history)[0] as number) ?? 101;
    const collected = seqs(welcomeOf(pager).history) as number[];
    for (let page = 0; page < 20; page += 1) {
      await hub.history(pager, 'lobby', before);
      const answer = pager.receivedOf('history').at(-1) as {
        messages: Record<string, unknown>[];
        more: boolean;
      };
      collected.unshift(...(seqs(answer.messages) as number[]));
      if (!answer.more) break;
      before = answer.messages[0]?.seq as number;
    }
    expect(collected).toEqual(range(1, 100));
    expect(pager.kinds).toContain('history');
    await hub.close();
  });

  it('drops a room oldest messages past its byte budget, and dedupe with them', async () => {
    const { hub, ann } = await hubWithBigHistory({ roomHistoryBytes: 20 * 1024 });
    const late = await joinNewMember(hub, 'late', 'lobby', 0);
    const kept = seqs(welcomeOf(late).history) as number[];
    expect(welcomeOf(late).truncated).toBe(true);
    expect(kept.at(-1)).toBe(100);
    expect(kept.length).toBeLessThan(20);
    // The first message is gone from history, so its id is new again.
    await hub.say(ann, 'lobby', 'm1', 'again');
    expect(ann.receivedOf('message').at(-1)).toMatchObject({ seq: 101, text: 'again' });
    await hub.close();
  });

  it('gives up the history of the least recently active empty rooms past the total budget', async () => {
    const hub = createMemoryHub({ totalHistoryBytes: 64 * 1024, presenceWindowMs: 0 });
    const members = Array.from({ length: 40 }, (_, i) => createRecordingMember(`m${i}`));
    for (const [i, member] of members.entries()) {
      await hub.join(member, `room-${i}`);
      await hub.say(member, `room-${i}`, 'one', big(i));
      await hub.leave(member, `room-${i}`);
    }
    // room-0 was the least recently active: forgotten, yet its seq goes on.
    const back = await joinNewMember(hub, 'back', 'room-0', 0);
    expect(welcomeOf(back)).toMatchObject({ seq: 1, truncated: true, history: [] });
    const recent = await joinNewMember(hub, 'recent', 'room-39', 0);
    expect(seqs(welcomeOf(recent).history)).toEqual([1]);
    await hub.close();
  });

  it('takes oldest messages from occupied rooms too when the total needs it', async () => {
    const { hub } = await hubWithBigHistory({ totalHistoryBytes: 32 * 1024 }, 'a');
    const late = await joinNewMember(hub, 'late', 'a', 0);
    const kept = seqs(welcomeOf(late).history) as number[];
    expect(kept.at(-1)).toBe(100);
    expect(kept.length).toBeLessThan(32);
    await hub.close();
  });

  it('counts what it evicts by reason, on every scrape and across scrapes', async () => {
    const metrics = createMetrics();
    const evictedBy = async () => {
      const { values } = await metrics.historyEvicted.get();
      return Object.fromEntries(values.map((value) => [value.labels.reason, value.value]));
    };
    const hub = createMemoryHub({
      retainedHistory: 10,
      roomHistoryBytes: 8 * 1024,
      presenceWindowMs: 0,
      metrics,
    });
    const ann = await joinNewMember(hub, 'ann');
    for (let i = 1; i <= 15; i += 1) await hub.say(ann, 'lobby', `m${i}`, `${i}`);
    expect(await evictedBy()).toEqual({ count: 5, room_budget: 0, total_budget: 0 });
    // About 1.2 KiB a message against 8 KiB: each big one pushes older ones out.
    for (let i = 16; i <= 20; i += 1) await hub.say(ann, 'lobby', `m${i}`, big(i));
    const after = await evictedBy();
    expect(after.room_budget).toBeGreaterThan(0);
    expect(after.total_budget).toBe(0);
    // Every message said is either still retained or counted once under one reason.
    const late = await joinNewMember(hub, 'late', 'lobby', 0);
    const kept = welcomeOf(late).history.length;
    expect((after.count ?? 0) + (after.room_budget ?? 0)).toBe(20 - kept);
    await hub.close();
  });

  it('keeps the sizes a scrape reads true as rooms fill and are forgotten', async () => {
    const metrics = createMetrics();
    const hub = createMemoryHub({ emptyRoomTtlMs: 0, presenceWindowMs: 0, metrics });
    const ann = await joinNewMember(hub, 'ann', 'one');
    const bob = await joinNewMember(hub, 'bob', 'two');
    expect(metrics.hubSizes).toEqual({ historyBytes: 2 * ROOM_OVERHEAD_BYTES, rooms: 2 });
    await hub.say(ann, 'one', 'm1', 'hello');
    const withOne = metrics.hubSizes.historyBytes;
    expect(withOne).toBeGreaterThan(2 * ROOM_OVERHEAD_BYTES + 'hello'.length);
    await hub.say(ann, 'one', 'm1', 'hello');
    expect(metrics.hubSizes.historyBytes).toBe(withOne);
    await hub.leave(ann, 'one');
    expect(metrics.hubSizes).toEqual({ historyBytes: ROOM_OVERHEAD_BYTES, rooms: 1 });
    await hub.leave(bob, 'two');
    await hub.close();
  });

  it('refuses a join past the room limit with room_full, and takes it once a seat is free', async () => {
    const hub = createMemoryHub({ maxRoomMembers: 2, presenceWindowMs: 0 });
    const [a, b, c] = ['a', 'b', 'c'].map((id) => createRecordingMember(id)) as RecordingMember[];
    await hub.join(a as RecordingMember, 'small');
    await hub.join(b as RecordingMember, 'small');
    await expect(hub.join(c as RecordingMember, 'small')).rejects.toMatchObject({
      code: 'room_full',
    });
    expect(a?.receivedOf('presence').filter((p) => p.event === 'join')).toHaveLength(1);
    await hub.leave(b as RecordingMember, 'small');
    await hub.join(c as RecordingMember, 'small');
    expect(welcomeOf(c as RecordingMember).members).toHaveLength(2);
    await hub.close();
  });

  it('remembers the seqs of only so many forgotten rooms', async () => {
    const hub = createMemoryHub({ emptyRoomTtlMs: 0, maxForgottenRooms: 3, presenceWindowMs: 0 });
    for (let i = 0; i < 5; i += 1) {
      const member = createRecordingMember(`m${i}`);
      await hub.join(member, `r${i}`);
      await sayMany(hub, member, `r${i}`, 4);
      await hub.leave(member, `r${i}`);
    }
    // r0 and r1 were forgotten for good: they start again at 1; r4's seq goes on.
    const zero = await joinNewMember(hub, 'zero', 'r0', 4);
    expect(welcomeOf(zero)).toMatchObject({ seq: 0, truncated: true });
    const four = await joinNewMember(hub, 'four', 'r4', 4);
    expect(welcomeOf(four)).toMatchObject({ seq: 4 });
    expect(welcomeOf(four).truncated).toBeUndefined();
    await hub.close();
  });
});

describe('createMemoryHub presence windows', () => {
  useFakeTimersPerTest();
  let hub: Hub;
  beforeEach(() => {
    hub = createMemoryHub({ presenceWindowMs: 100 });
  });
  afterEach(() => hub.close());

  const names = (member: RecordingMember) =>
    member.receivedOf('presence').map((p) => `${p.event} ${(p.member as { id: string }).id}`);

  it('sends a window of changes together, and nothing for who came and went within it', async () => {
    const ann = await joinNewMember(hub, 'ann');
    await joinNewMember(hub, 'bob');
    const ghost = await joinNewMember(hub, 'ghost');
    await hub.leave(ghost, 'lobby');
    expect(names(ann)).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(names(ann)).toEqual(['join bob']);
  });

  it('tells a member who joined within a window only of what its welcome did not show', async () => {
    const ann = await joinNewMember(hub, 'ann');
    vi.advanceTimersByTime(100);
    const bob = await joinNewMember(hub, 'bob');
    const cid = await joinNewMember(hub, 'cid');
    await hub.leave(bob, 'lobby');
    vi.advanceTimersByTime(100);
    // ann never saw bob: his join and leave cancel out for her.
    expect(names(ann)).toEqual(['join cid']);
    // cid's welcome listed bob: she must hear him leave.
    expect((welcomeOf(cid).members as { id: string }[]).map((m) => m.id)).toEqual([
      'ann',
      'bob',
      'cid',
    ]);
    expect(names(cid)).toEqual(['leave bob']);
  });

  it('delivers pending presence before a message of the room', async () => {
    const ann = await joinNewMember(hub, 'ann');
    vi.advanceTimersByTime(100);
    const bob = await joinNewMember(hub, 'bob');
    await hub.say(bob, 'lobby', 'hi', 'hello');
    expect(ann.received().map((m) => m.type)).toEqual(['welcome', 'presence', 'message']);
  });
});
