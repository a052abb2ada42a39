/**
 * Resource exhaustion against the real server: slowloris on headers and on hixie-76's key3, a
 * thousand half-open sockets, draft clients holding unfinished frames, and a flood of
 * handshakes against the connection cap (readers that never read: slow-reader.hardening.test.ts). Each must be shed in time, the server
 * must keep serving a normal client throughout, and its memory must stay bounded (measured
 * after a full collection, in this process, where the server runs).
 */

import {
  connectRaw,
  DRAFT76_EXAMPLE,
  endOfHead,
  openRawSession,
  type RawPeer,
  type RawSession,
  rawUpgrade,
  requestHead,
  upgradeHead,
} from '@draftbridge/protocol-router/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureMemory, mib } from './soak/measure-memory.js';
import { type ChatTestClient, connectChatClient } from './test-support/chat-client.js';
import { startTestServer, type TestServer } from './test-support/test-server.js';

const HANDSHAKE_TIMEOUT_MS = 1000;
// The timeout plus a margin for a loaded machine; a socket kept forever fails by far.
const SHED_WITHIN_MS = HANDSHAKE_TIMEOUT_MS + 3000;
const TEST_TIMEOUT_MS = 40_000;
const HALF_OPEN = 1000;
const HALF_OPEN_TIMEOUT_MS = 4000;
const MIB = 1024 * 1024;

let t: TestServer;
const faults: unknown[] = [];
const onFault = (error: unknown) => faults.push(error);
const figures: string[] = [];

beforeAll(async () => {
  process.on('uncaughtException', onFault);
  process.on('unhandledRejection', onFault);
  t = await startTestServer({
    handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
    slowReaderBytes: 256 * 1024,
    ratePerSecond: 100_000,
    rateBurst: 100_000,
  });
});

afterAll(async () => {
  process.off('uncaughtException', onFault);
  process.off('unhandledRejection', onFault);
  await t.stop();
  console.info(`[hardening] exhaustion: ${figures.join('; ')}; faults ${faults.length}`);
});

function openSockets(): Promise<number> {
  return new Promise((resolve, reject) =>
    t.server.http.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  );
}

async function waitForSockets(count: number, timeoutMs = SHED_WITHIN_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await openSockets()) > count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  expect(await openSockets()).toBe(count);
}

// Opens sockets in batches, so that the listen backlog is never the thing under test.
async function openMany(
  count: number,
  bytesOf: (i: number) => string | Buffer | undefined,
  port = t.port,
) {
  const peers: RawPeer[] = [];
  for (let i = 0; i < count; i += 100) {
    const batch = Array.from({ length: Math.min(100, count - i) }, (_, j) =>
      connectRaw(port, bytesOf(i + j)),
    );
    peers.push(...(await Promise.all(batch)));
  }
  return peers;
}

// A normal client must be served while the attack is on.
async function expectServed(label: string): Promise<void> {
  const client = await connectChatClient('rfc6455', t.ws);
  client.send({ type: 'ping', t: label });
  await client.waitFor((m) => m.type === 'pong' && m.t === label);
  client.close();
  await client.closed;
}

describe('resource exhaustion', () => {
  it(
    'sheds slowloris on headers at the handshake timeout, serving others meanwhile',
    async () => {
      const baseline = await openSockets();
      const head = upgradeHead('rfc6455', t.port);
      const peers = await openMany(200, () => undefined);
      const opened = Date.now();
      let sent = 0;
      const dribble = setInterval(() => {
        sent += 1;
        for (const peer of peers) if (!peer.isClosed) peer.socket.write(head.slice(sent - 1, sent));
      }, 50);
      try {
        await expectServed('during-slowloris');
        await Promise.all(peers.map((peer) => peer.closed(SHED_WITHIN_MS + 1000)));
        figures.push(
          `slowloris headers: 200 shed ${Date.now() - opened} ms after opening (timeout ${HANDSHAKE_TIMEOUT_MS} ms)`,
        );
        // Each was still dribbling (a byte every 50 ms) when it was cut off.
        expect(sent).toBeLessThan(head.length);
        expect(peers.every((peer) => peer.received().length === 0)).toBe(true);
      } finally {
        clearInterval(dribble);
      }
      await waitForSockets(baseline);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'sheds slowloris on hixie-76 key3 at the handshake timeout; none becomes a connection',
    async () => {
      const baseline = await openSockets();
      const peers = await openMany(200, () => upgradeHead('hixie-76', t.port));
      const opened = Date.now();
      let sent = 0;
      const dribble = setInterval(() => {
        sent += 1;
        for (const peer of peers) {
          if (!peer.isClosed) peer.socket.write(DRAFT76_EXAMPLE.key3.subarray(sent - 1, sent));
        }
      }, 300);
      try {
        await Promise.all(peers.map((peer) => peer.closed(SHED_WITHIN_MS + 1000)));
        expect(sent).toBeLessThan(DRAFT76_EXAMPLE.key3.length);
        // The 101 head may have been written; the 16-byte answer never was.
        for (const peer of peers) {
          const data = peer.received();
          expect(data.length).toBe(Math.max(0, endOfHead(data)));
        }
        expect([...t.server.connections].some((c) => c.protocol === 'hixie-76')).toBe(false);
      } finally {
        clearInterval(dribble);
      }
      figures.push(`slowloris key3: 200 shed ${Date.now() - opened} ms after opening`);
      await waitForSockets(baseline);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    `sheds ${HALF_OPEN} half-open sockets in time, with bounded memory`,
    async () => {
      // Its own server, with a timeout long enough that opening them all never races it.
      const slow = await startTestServer({ handshakeTimeoutMs: HALF_OPEN_TIMEOUT_MS });
      const sockets = () =>
        new Promise<number>((resolve, reject) =>
          slow.server.http.getConnections((error, n) => (error ? reject(error) : resolve(n))),
        );
      const before = await measureMemory();
      const shapes = [
        () => undefined,
        () => 'GET /ws HTTP/1.1\r\nHost: x\r\nUpgr',
        () => upgradeHead('hixie-76', t.port),
        () => upgradeHead('rfc6455', t.port).slice(0, 60),
      ];
      const opening = Date.now();
      const peers = await openMany(HALF_OPEN, (i) => shapes[i % shapes.length]?.(), slow.port);
      // The kernel completes a connection before Node accepts it: wait until all are accepted.
      for (let waited = 0; (await sockets()) < HALF_OPEN && waited < 3000; waited += 25) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const heldCount = await sockets();
      expect(heldCount).toBe(HALF_OPEN);
      const held = await measureMemory();
      // A quarter then half-close their side, as a client that vanished mid-request might:
      // the server must not wait for the timeout to let those go.
      peers.forEach((peer, i) => {
        if (i % 4 === 1) peer.socket.end();
      });
      await Promise.all(peers.filter((_, i) => i % 4 === 1).map((peer) => peer.closed(2000)));
      await expectServed('during-half-open');
      await Promise.all(peers.map((peer) => peer.closed(HALF_OPEN_TIMEOUT_MS + 4000)));
      const shedAfter = Date.now() - opening;
      expect(await sockets()).toBe(0);
      await slow.stop();
      const after = await measureMemory();
      const perSocket =
        (held.heapUsed + held.external - before.heapUsed - before.external) / HALF_OPEN;
      figures.push(
        `${heldCount} half-open sockets held, ${(perSocket / 1024).toFixed(1)} KiB each (both ends), all shed ${shedAfter} ms after the first opened (timeout ${HALF_OPEN_TIMEOUT_MS} ms); heap ${mib(before.heapUsed)} -> ${mib(held.heapUsed)} -> ${mib(after.heapUsed)}`,
      );
      // Both ends of each socket live in this process: a few KiB each, never more.
      expect(perSocket).toBeLessThan(32 * 1024);
      expect(after.heapUsed - before.heapUsed).toBeLessThan(16 * MIB);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'bounds what draft clients holding unfinished frames cost: about the bytes they sent',
    async () => {
      const count = 200;
      const sessions: RawSession[] = [];
      for (let i = 0; i < count; i += 1)
        sessions.push(await openRawSession(t.port, i % 2 ? 'hixie-76' : 'hixie-75'));
      const before = await measureMemory();
      const partial = Buffer.concat([Buffer.from([0x00]), Buffer.alloc(60 * 1024, 0x61)]);
      for (const session of sessions) session.sendRaw(partial);
      await new Promise((resolve) => setTimeout(resolve, 500));
      await expectServed('during-partial-frames');
      const held = await measureMemory();
      const perConnection =
        (held.heapUsed + held.external - before.heapUsed - before.external) / count;
      figures.push(
        `${count} draft clients each holding 60 KiB unfinished: ${(perConnection / 1024).toFixed(0)} KiB each`,
      );
      // websocket-driver's own parser cost ~600 KiB here; ours keeps one buffer of the bytes.
      expect(perConnection).toBeLessThan(160 * 1024);
      expect(sessions.every((s) => !s.peer.isClosed)).toBe(true);
      for (const session of sessions) session.peer.socket.destroy();
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'meets a flood of handshakes at the cap with 503s it counts, never more connections',
    async () => {
      const capped = await startTestServer({ maxConnections: 100 });
      const clients: ChatTestClient[] = [];
      try {
        const heads = [upgradeHead('rfc6455', capped.port), upgradeHead('hixie-76', capped.port)];
        const attempts = await Promise.all(
          Array.from({ length: 300 }, async (_, i) => {
            const peer = await connectRaw(capped.port, heads[i % 2]);
            if (i % 2) peer.socket.write(DRAFT76_EXAMPLE.key3);
            await peer.waitFor((d) => endOfHead(d) > 0 || peer.isClosed, 5000);
            return peer;
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, 200));
        const status = (peer: RawPeer) => peer.received().toString('latin1').slice(9, 12);
        const opened = attempts.filter((peer) => status(peer) === '101');
        const refused = attempts.filter((peer) => status(peer) === '503');
        expect(opened.length + refused.length).toBe(300);
        expect(opened.length).toBe(100);
        expect(capped.server.connections.size).toBe(100);
        const metrics = await (await fetch(`${capped.http}/metrics`)).text();
        expect(metrics).toContain(`draftbridge_handshakes_rejected_total{reason="capacity"} 200`);
        figures.push('cap 100 under 300 concurrent handshakes: 100 open, 200 answered 503');
        for (const peer of attempts) peer.socket.destroy();
        await new Promise((resolve) => setTimeout(resolve, 200));
        clients.push(await connectChatClient('hixie-75', capped.ws));
        const version99 = requestHead('/ws', {
          Host: `127.0.0.1:${capped.port}`,
          Upgrade: 'websocket',
          Connection: 'Upgrade',
          'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Version': '99',
        });
        expect((await rawUpgrade(capped.port, version99)).answer).toMatch(/^HTTP\/1\.1 426/);
      } finally {
        for (const client of clients) client.close();
        await capped.stop();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it('threw nothing', () => {
    expect(faults).toEqual([]);
  });
});
