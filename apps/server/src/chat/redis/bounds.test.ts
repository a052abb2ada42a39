/**
 * The Redis hub keeps the bounds of issue 11 across instances: welcomes and history pages of
 * bounded bytes (read from Redis in steps, never whole), a room's member limit counted on every
 * instance, presence coalesced, and every key of a room expiring with it.
 */
import { describe, expect, it } from 'vitest';
import { createRecordingMember, joinNewMember } from '../test-support/hub-member.js';
import { createRoomKeys } from './keys.js';
import { eventually, range, seqs, useRedisHubHarness, welcomeOf } from './test-support/harness.js';

const big = (n: number) => `${n} ${'x'.repeat(1000)}`;

describe('createRedisHub bounds', () => {
  const h = useRedisHubHarness();

  it('bounds a welcome to one page and pages back through the rest from another instance', async () => {
    const a = await h.instance({ historyPageBytes: 16 * 1024 });
    const b = await h.instance({ historyPageBytes: 16 * 1024 });
    const ann = await joinNewMember(a.hub, 'ann');
    for (let i = 1; i <= 100; i += 1) await a.hub.say(ann, 'lobby', `m${i}`, big(i));
    await eventually(() => expect(ann.receivedOf('message')).toHaveLength(100));

    const pager = await joinNewMember(b.hub, 'pager', 'lobby', 0);
    const welcome = welcomeOf(pager);
    expect(welcome.truncated).toBe(true);
    expect(JSON.stringify(welcome.history).length).toBeLessThanOrEqual(16 * 1024);
    const collected = seqs(welcome.history) as number[];
    expect(collected.at(-1)).toBe(100);
    for (let page = 0; page < 20 && (collected[0] ?? 1) > 1; page += 1) {
      await b.hub.history(pager, 'lobby', collected[0] ?? 1);
      const answer = pager.receivedOf('history').at(-1) as {
        messages: Record<string, unknown>[];
        more: boolean;
      };
      collected.unshift(...(seqs(answer.messages) as number[]));
      if (!answer.more) break;
    }
    expect(collected).toEqual(range(1, 100));
  });

  it('counts a room full across instances', async () => {
    const a = await h.instance({ maxRoomMembers: 2 });
    const b = await h.instance({ maxRoomMembers: 2 });
    await joinNewMember(a.hub, 'ann', 'small');
    await joinNewMember(b.hub, 'bob', 'small');
    const cid = createRecordingMember('cid');
    await expect(a.hub.join(cid, 'small')).rejects.toMatchObject({ code: 'room_full' });
    expect(cid.received()).toEqual([]);
  });

  it('lets every key of a room expire with its history ttl, the seq included', async () => {
    const a = await h.instance({ historyTtlMs: 60_000 });
    const ann = await joinNewMember(a.hub, 'ann', 'ttl');
    await a.hub.say(ann, 'ttl', 'one', 'one');
    const keys = createRoomKeys(h.prefix, 'ttl');
    for (const key of [keys.seq, keys.history, keys.dedupe, keys.presenceSeq, keys.members]) {
      const ttl = await h.admin.pttl(key);
      expect(ttl, key).toBeGreaterThan(0);
      expect(ttl, key).toBeLessThanOrEqual(60_000);
    }
  });

  it('coalesces presence: who came and went within a window is never heard of', async () => {
    const a = await h.instance({ presenceWindowMs: 300 });
    const b = await h.instance({ presenceWindowMs: 300 });
    const ann = await joinNewMember(a.hub, 'ann');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const ghost = createRecordingMember('ghost');
    const bob = createRecordingMember('bob');
    await b.hub.join(ghost, 'lobby');
    await b.hub.leave(ghost, 'lobby');
    await b.hub.join(bob, 'lobby');
    await eventually(() =>
      expect(ann.receivedOf('presence')).toEqual([
        { type: 'presence', event: 'join', member: bob.member },
      ]),
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(ann.receivedOf('presence')).toHaveLength(1);
  });
});
