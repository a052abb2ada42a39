/**
 * Two (or three) real server instances on one real Redis, with real clients over every path:
 * the scale-out guarantees of docs/PROTOCOL.md ("Guarantees") end to end.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChatMessage, ServerMessage } from '@draftbridge/shared-types';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS } from '../../config.js';
import { type ChatServer, createServer } from '../../create-server.js';
import { createLogger } from '../../logger.js';
import {
  type ChatTestClient,
  type ClientKind,
  connectChatClient,
  isType,
} from '../../test-support/chat-client.js';
import { startRedisServer, type TestRedis } from '../../test-support/redis-server.js';
import { startTestServer, type TestServer } from '../../test-support/test-server.js';
import { createRedisHub } from './redis-hub.js';

const messagesOf = (client: ChatTestClient) =>
  client.messages.filter((m): m is ChatMessage => m.type === 'message');
const streamOf = (client: ChatTestClient) =>
  messagesOf(client).map((m) => [m.seq, m.id, m.client, m.text, m.ts]);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const hasSeq = (seq: number) => (m: ServerMessage) => m.type === 'message' && m.seq === seq;

async function healthStatus(base: string): Promise<number> {
  return (await fetch(`${base}/healthz`)).status;
}

async function waitForHealth(base: string, status: 200 | 503, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await healthStatus(base)) !== status) {
    if (Date.now() > deadline) throw new Error(`${base}/healthz did not turn ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Everything a test opened, closed in reverse whatever happened. */
function createCleanup() {
  const steps: (() => unknown)[] = [];
  return {
    add<T>(value: T, step: (value: T) => unknown): T {
      steps.push(() => step(value));
      return value;
    },
    async run() {
      for (const step of steps.reverse()) await Promise.resolve(step()).catch(() => {});
      steps.length = 0;
    },
  };
}

describe('two server instances on one Redis', () => {
  const cleanup = createCleanup();
  let a: TestServer;
  let b: TestServer;
  const clients: ChatTestClient[] = [];

  async function joinAt(
    kind: ClientKind,
    server: TestServer,
    join: { room: string; nick: string; client: string; since?: number },
  ): Promise<ChatTestClient> {
    const client = await connectChatClient(kind, server.ws);
    clients.push(client);
    client.send({ type: 'join', ...join });
    await client.waitFor(isType('welcome'));
    return client;
  }

  beforeAll(async () => {
    const redis = cleanup.add(await startRedisServer(), (r) => r.dispose());
    a = cleanup.add(await startTestServer({ redisUrl: redis.url }), (t) => t.stop());
    b = cleanup.add(await startTestServer({ redisUrl: redis.url }), (t) => t.stop());
    await Promise.all([waitForHealth(a.http, 200), waitForHealth(b.http, 200)]);
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  afterAll(() => cleanup.run());

  it('gives hixie-76 on A, RFC 6455 on B and the relay on A one identical stream', async () => {
    const room = 'scale-out';
    const hixie = await joinAt('hixie-76', a, { room, nick: 'hixie', client: 'c-hixie' });
    const modern = await joinAt('rfc6455', b, { room, nick: 'modern', client: 'c-modern' });
    const relayed = await joinAt('relay-76', a, { room, nick: 'relayed', client: 'c-relay' });
    const members = await relayed.waitFor(isType('welcome'));
    expect(members.members.map((m) => [m.nick, m.protocol, m.relay ?? false]).sort()).toEqual([
      ['hixie', 'hixie-76', false],
      ['modern', 'rfc6455', false],
      ['relayed', 'hixie-76', true],
    ]);

    const senders = [hixie, modern, relayed];
    const rounds = 10;
    for (let j = 0; j < rounds; j += 1) {
      for (const [i, sender] of senders.entries()) {
        sender.send({ type: 'say', id: `m-${i}-${j}`, text: `round ${j} from ${i} ✓` });
      }
    }
    const total = rounds * senders.length;
    await Promise.all(senders.map((client) => client.waitFor(hasSeq(total), 10_000)));

    const first = streamOf(hixie);
    expect(first.map(([seq]) => seq)).toEqual(range(1, total));
    expect(new Set(first.map(([, id]) => id)).size).toBe(total);
    expect(streamOf(modern)).toEqual(first);
    expect(streamOf(relayed)).toEqual(first);
    // Each sender's messages keep the order it sent them in.
    for (const [i, sender] of senders.entries()) {
      const own = first.filter(([, id]) => String(id).startsWith(`m-${i}-`)).map(([, id]) => id);
      expect(own).toEqual(range(0, rounds - 1).map((j) => `m-${i}-${j}`));
      expect(messagesOf(sender).every((m) => m.room === room)).toBe(true);
    }
  });

  it('resumes on B with since exactly what was missed on A', async () => {
    const room = 'resume';
    const stayer = await joinAt('rfc6455', b, { room, nick: 'stayer', client: 'c-stayer' });
    const leaver = await joinAt('hixie-75', a, { room, nick: 'leaver', client: 'c-leaver' });
    for (let i = 1; i <= 3; i += 1) stayer.send({ type: 'say', id: `s${i}`, text: `early ${i}` });
    await leaver.waitFor(hasSeq(3));
    const lastSeen = messagesOf(leaver).at(-1)?.seq ?? 0;
    leaver.close();
    await leaver.closed;
    await stayer.waitFor((m) => m.type === 'presence' && m.event === 'leave');

    for (let i = 4; i <= 7; i += 1) stayer.send({ type: 'say', id: `s${i}`, text: `missed ${i}` });
    await stayer.waitFor(hasSeq(7));
    const back = await joinAt('hybi-07', b, {
      room,
      nick: 'leaver',
      client: 'c-leaver',
      since: lastSeen,
    });
    const welcome = await back.waitFor(isType('welcome'));
    expect(welcome.seq).toBe(7);
    expect(welcome.truncated).toBeUndefined();
    expect(welcome.history.map((m) => [m.seq, m.text])).toEqual(
      messagesOf(stayer)
        .filter((m) => m.seq > 3)
        .map((m) => [m.seq, m.text]),
    );
  });

  it('dedupes a resend of the same (client, id) to the other instance', async () => {
    const room = 'dedupe';
    const watcher = await joinAt('rfc6455', b, { room, nick: 'watcher', client: 'c-watcher' });
    const sender = await joinAt('hixie-76', a, { room, nick: 'sender', client: 'c-sender' });
    sender.send({ type: 'say', id: 'once', text: 'only once' });
    const original = await sender.waitFor(hasSeq(1));
    sender.close();
    await sender.closed;

    const again = await joinAt('rfc6455', b, {
      room,
      nick: 'sender',
      client: 'c-sender',
      since: 1,
    });
    again.send({ type: 'say', id: 'once', text: 'only once' });
    expect(await again.waitFor(isType('message'))).toEqual(original);

    watcher.send({ type: 'say', id: 'next', text: 'after' });
    await again.waitFor(hasSeq(2));
    await watcher.waitFor(hasSeq(2));
    expect(messagesOf(watcher).map((m) => [m.seq, m.id])).toEqual([
      [1, 'once'],
      [2, 'next'],
    ]);
  });
});

describe('Redis restarted mid-conversation', () => {
  const cleanup = createCleanup();
  afterAll(() => cleanup.run());

  it('loses no acknowledged message, reports the others, and serves again by itself', async () => {
    const redis: TestRedis = cleanup.add(await startRedisServer({ durable: true }), (r) =>
      r.dispose(),
    );
    const a = cleanup.add(await startTestServer({ redisUrl: redis.url }), (t) => t.stop());
    const b = cleanup.add(await startTestServer({ redisUrl: redis.url }), (t) => t.stop());
    await Promise.all([waitForHealth(a.http, 200), waitForHealth(b.http, 200)]);
    const room = 'restart';
    const join = async (kind: ClientKind, server: TestServer, nick: string) => {
      const client = cleanup.add(await connectChatClient(kind, server.ws), (c) => c.close());
      client.send({ type: 'join', room, nick, client: `c-${nick}` });
      await client.waitFor(isType('welcome'));
      return client;
    };
    const onA = await join('hixie-76', a, 'ann');
    const onB = await join('rfc6455', b, 'bob');

    for (let i = 1; i <= 5; i += 1) {
      onA.send({ type: 'say', id: `a${i}`, text: `ann ${i}` });
      onB.send({ type: 'say', id: `b${i}`, text: `bob ${i}` });
    }
    await Promise.all([onA.waitFor(hasSeq(10)), onB.waitFor(hasSeq(10))]);
    const acknowledged = streamOf(onA);

    await redis.stop('SIGKILL');
    await Promise.all([waitForHealth(a.http, 503), waitForHealth(b.http, 503)]);
    const health = await (await fetch(`${a.http}/healthz`)).json();
    expect(health).toMatchObject({ status: 'degraded', detail: expect.stringContaining('redis') });
    onA.send({ type: 'say', id: 'u-ann', text: 'while Redis is down' });
    onB.send({ type: 'say', id: 'u-bob', text: 'while Redis is down' });
    for (const client of [onA, onB]) {
      expect(await client.waitFor(isType('error'))).toMatchObject({ code: 'unavailable' });
      // The connection is still there.
      client.send({ type: 'ping', t: 'still open' });
      await client.waitFor((m) => m.type === 'pong' && m.t === 'still open');
    }

    await redis.restart();
    await Promise.all([waitForHealth(a.http, 200), waitForHealth(b.http, 200)]);
    // The clients still hold their unacknowledged messages and send them again.
    onA.send({ type: 'say', id: 'u-ann', text: 'while Redis is down' });
    onB.send({ type: 'say', id: 'u-bob', text: 'while Redis is down' });
    for (let i = 6; i <= 8; i += 1) {
      onA.send({ type: 'say', id: `a${i}`, text: `ann ${i}` });
      onB.send({ type: 'say', id: `b${i}`, text: `bob ${i}` });
    }
    await Promise.all([onA.waitFor(hasSeq(18)), onB.waitFor(hasSeq(18))]);

    const stream = streamOf(onA);
    expect(stream.map(([seq]) => seq)).toEqual(range(1, 18));
    expect(stream.slice(0, 10)).toEqual(acknowledged);
    expect(streamOf(onB)).toEqual(stream);
    expect(new Set(stream.map(([, id]) => id)).size).toBe(18);
    expect(stream.map(([, id]) => id)).toEqual(expect.arrayContaining(['u-ann', 'u-bob']));

    // Redis itself still holds every acknowledged message.
    const late = await join('relay-76', b, 'late');
    const welcome = await late.waitFor(isType('welcome'));
    expect(welcome.history.map((m) => [m.seq, m.id, m.client, m.text, m.ts])).toEqual(stream);
  });
});

describe('an instance killed', () => {
  const cleanup = createCleanup();
  afterAll(() => cleanup.run());

  const HEARTBEAT_MS = 100;
  const PRESENCE_TTL_MS = 300;

  /** A server whose hub's Redis connections the test can cut, as a crash would. */
  async function startInstance(url: string) {
    const connections: Redis[] = [];
    const hub = createRedisHub({
      url,
      heartbeatMs: HEARTBEAT_MS,
      presenceTtlMs: PRESENCE_TTL_MS,
      connect: (_role, defaults) => {
        const redis = defaults();
        connections.push(redis);
        return redis;
      },
    });
    const webRoot = cleanup.add(await mkdtemp(path.join(tmpdir(), 'draftbridge-web-')), (dir) =>
      rm(dir, { recursive: true, force: true }),
    );
    const config = { ...CONFIG_DEFAULTS, port: 0, webRoot, logLevel: 'silent' as const };
    const server: ChatServer = cleanup.add(
      createServer(config, { hub, logger: createLogger('silent') }),
      (s) => s.close(),
    );
    const { port } = await server.listen(0, '127.0.0.1');
    const deadline = Date.now() + 5000;
    while (!(await hub.health()).ok) {
      if (Date.now() > deadline) throw new Error('hub did not connect');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return {
      ws: `ws://127.0.0.1:${port}`,
      kill: () => {
        for (const redis of connections) redis.disconnect();
      },
    };
  }

  it('takes its members out of presence within the window; the others go on', async () => {
    const redis = cleanup.add(await startRedisServer(), (r) => r.dispose());
    const doomed = await startInstance(redis.url);
    const survivor = await startInstance(redis.url);
    const room = 'crash';
    const join = async (kind: ClientKind, base: string, nick: string) => {
      const client = cleanup.add(await connectChatClient(kind, base), (c) => c.close());
      client.send({ type: 'join', room, nick, client: `c-${nick}` });
      await client.waitFor(isType('welcome'));
      return client;
    };
    await join('hixie-76', doomed.ws, 'doomed-1');
    await join('relay-76', doomed.ws, 'doomed-2');
    const bob = await join('rfc6455', survivor.ws, 'bob');
    const cid = await join('hybi-08', survivor.ws, 'cid');

    const killedAt = Date.now();
    doomed.kill();
    const leaves = () =>
      bob.messages
        .filter((m) => m.type === 'presence' && m.event === 'leave')
        .map((m) => (m.type === 'presence' ? m.member.nick : ''))
        .sort();
    const window = PRESENCE_TTL_MS + HEARTBEAT_MS;
    while (leaves().length < 2 && Date.now() - killedAt < window + 2000) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(leaves()).toEqual(['doomed-1', 'doomed-2']);
    expect(Date.now() - killedAt).toBeLessThanOrEqual(window + 500);

    cid.send({ type: 'say', id: 'go-on', text: 'still here' });
    await bob.waitFor(hasSeq(1));
    const late = await join('hixie-75', survivor.ws, 'late');
    const welcome = await late.waitFor(isType('welcome'));
    expect(welcome.members.map((m) => m.nick).sort()).toEqual(['bob', 'cid', 'late']);
  });
});
