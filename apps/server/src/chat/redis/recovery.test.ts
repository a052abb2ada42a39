/**
 * The Redis hub when things go wrong: missed publications, a dropped subscription, a dead
 * instance, a member reaped by mistake, Redis losing its data, Redis down and back.
 */
import { describe, expect, it } from 'vitest';
import { HubUnavailableError } from '../hub.js';
import {
  createBatchingMember,
  createRecordingMember,
  joinNewMember,
} from '../test-support/hub-member.js';
import { createRoomKeys } from './keys.js';
import {
  eventually,
  HEARTBEAT_MS,
  messageTexts,
  PRESENCE_TTL_MS,
  range,
  seqs,
  useRedisHubHarness,
  welcomeOf,
} from './test-support/harness.js';

describe('createRedisHub recovery', () => {
  const h = useRedisHubHarness();

  it('fills a gap from history when publications were missed', async () => {
    // No heartbeat catch-up during the test: the gap is seen and filled on publication 5.
    const { a, b, ann, bob } = await h.annAndBob({ heartbeatMs: 10_000, presenceTtlMs: 30_000 });
    await b.hub.say(bob, 'lobby', 'm1', 'one');
    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual([1]));

    // Behind the hub's back, so that it misses publications 2 to 4 without knowing.
    const channel = createRoomKeys(h.prefix, 'lobby').channel;
    await a.connection.subscriber?.unsubscribe(channel);
    for (let i = 2; i <= 4; i += 1) await b.hub.say(bob, 'lobby', `m${i}`, `text ${i}`);
    await a.connection.subscriber?.subscribe(channel);
    await b.hub.say(bob, 'lobby', 'm5', 'five');

    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual([1, 2, 3, 4, 5]));
    expect(messageTexts(ann)).toEqual(messageTexts(bob));
  });

  it('gives a member that joined inside a filled gap only what came after its welcome', async () => {
    const { a, b, bob } = await h.annAndBob({ heartbeatMs: 10_000, presenceTtlMs: 30_000 });
    const cid = createBatchingMember('cid');
    await a.hub.join(cid, 'lobby');
    await b.hub.say(bob, 'lobby', 'm1', 'one');
    await eventually(() => expect(seqs(cid.receivedOf('message'))).toEqual([1]));

    // a misses 2 to 6 without knowing; two members join it at seq 4, inside that gap.
    const channel = createRoomKeys(h.prefix, 'lobby').channel;
    await a.connection.subscriber?.unsubscribe(channel);
    for (let i = 2; i <= 4; i += 1) await b.hub.say(bob, 'lobby', `m${i}`, `text ${i}`);
    const late = [createBatchingMember('dan'), createBatchingMember('eve')];
    for (const member of late) await a.hub.join(member, 'lobby');
    for (let i = 5; i <= 6; i += 1) await b.hub.say(bob, 'lobby', `m${i}`, `text ${i}`);
    await a.connection.subscriber?.subscribe(channel);
    await b.hub.say(bob, 'lobby', 'm7', 'seven');

    await eventually(() => expect(seqs(cid.receivedOf('message'))).toEqual(range(1, 7)));
    expect(cid.batches).toEqual([1, 5, 1]);
    for (const member of late) {
      await eventually(() => expect(seqs(member.receivedOf('message'))).toEqual([5, 6, 7]));
      expect([seqs(welcomeOf(member).history), member.batches]).toEqual([range(1, 4), [2, 1]]);
    }
    // The part after seq 4 was made once for both, from the same messages as cid's.
    const [dan, eve] = late.map((member) => member.delivered.slice(-3));
    expect(eve).toEqual(dan);
    for (let i = 0; i < 3; i += 1) expect(dan?.[i]).toBe(cid.delivered.at(i - 3));
  });

  it('catches up a quiet room on the next heartbeat', async () => {
    const { a, b, ann, bob } = await h.annAndBob({ heartbeatMs: 1000, presenceTtlMs: 5000 });

    const channel = createRoomKeys(h.prefix, 'lobby').channel;
    await a.connection.subscriber?.unsubscribe(channel);
    await b.hub.say(bob, 'lobby', 'm1', 'one');
    await b.hub.say(bob, 'lobby', 'm2', 'two');
    await a.connection.subscriber?.subscribe(channel);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(ann.receivedOf('message')).toEqual([]);

    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual([1, 2]), 2500);
  });

  it('resubscribes and delivers what it missed after its subscriber reconnects', async () => {
    const { b, ann, bob } = await h.annAndBob({ heartbeatMs: 5000, presenceTtlMs: 20_000 });

    await h.admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub');
    for (let i = 1; i <= 5; i += 1) await b.hub.say(bob, 'lobby', `m${i}`, `text ${i}`);

    // b's own subscription was killed too: both instances recover without a heartbeat.
    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual(range(1, 5)));
    await eventually(() => expect(seqs(bob.receivedOf('message'))).toEqual(range(1, 5)));
    await b.hub.say(bob, 'lobby', 'm6', 'live again');
    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual(range(1, 6)));
  });

  it('reaps the members of an instance that stopped beating, within the presence window', async () => {
    const { a, b, ann, bob } = await h.annAndBob();
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

    const cid = await joinNewMember(b.hub, 'cid');
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
    const { ann, bob } = await h.annAndBob();
    await new Promise((resolve) => setTimeout(resolve, PRESENCE_TTL_MS * 2));
    expect(bob.receivedOf('presence')).toEqual([]);

    // As if another instance had reaped ann while a could not reach Redis.
    const keys = createRoomKeys(h.prefix, 'lobby');
    await h.admin.hdel(keys.members, 'ann');
    await h.admin.zrem(keys.presence, 'ann');
    await eventually(() =>
      expect(bob.receivedOf('presence')).toEqual([
        { type: 'presence', event: 'join', member: ann.member },
      ]),
    );
    expect(await h.admin.hexists(keys.members, 'ann')).toBe(1);
  });

  it('announces a leave and a closing instance to the other instances', async () => {
    const a = await h.instance();
    const b = await h.instance();
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
    const keys = createRoomKeys(h.prefix, 'lobby');
    expect(await h.admin.hkeys(keys.members)).toEqual(['bob']);
  });

  it('continues the seq after Redis lost its data instead of restarting at 1', async () => {
    const a = await h.instance();
    const ann = await joinNewMember(a.hub, 'ann');
    for (let i = 1; i <= 3; i += 1) await a.hub.say(ann, 'lobby', `m${i}`, `text ${i}`);
    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual([1, 2, 3]));

    await h.admin.flushall();
    await a.hub.say(ann, 'lobby', 'm4', 'after the loss');
    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual([1, 2, 3, 4]));
    const bob = await joinNewMember(a.hub, 'bob', 'lobby', 2);
    expect(welcomeOf(bob)).toMatchObject({ seq: 4, truncated: true });
  });

  it('refuses a say while Redis is down, and serves again once it is back', async () => {
    const { a, b, ann, bob } = await h.annAndBob();
    await a.hub.say(ann, 'lobby', 'm1', 'before');
    await eventually(() => expect(seqs(bob.receivedOf('message'))).toEqual([1]));

    await h.redis.stop('SIGKILL');
    const refused = await Promise.resolve(a.hub.say(ann, 'lobby', 'm2', 'during')).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(HubUnavailableError);
    expect(refused).toMatchObject({ code: 'unavailable' });
    expect((await a.hub.health()).ok).toBe(false);
    expect((await b.hub.health()).ok).toBe(false);

    await h.redis.restart();
    await eventually(async () => expect(await a.hub.health()).toEqual({ ok: true }), 5000);
    await eventually(async () => expect(await b.hub.health()).toEqual({ ok: true }), 5000);
    await a.hub.say(ann, 'lobby', 'm2', 'during');
    await b.hub.say(bob, 'lobby', 'm3', 'after');
    await eventually(() => expect(seqs(ann.receivedOf('message'))).toEqual([1, 2, 3]), 5000);
    await eventually(() => expect(seqs(bob.receivedOf('message'))).toEqual([1, 2, 3]), 5000);
    expect(messageTexts(ann)).toEqual(messageTexts(bob));
  });
});
