/**
 * Readers that never read, on RFC 6455 and hixie-76, in a room with a flood going through:
 * the server drops each once its backlog passes the slow-reader bound, a reader that reads gets
 * every message in order, and the server's memory grows by about the bound per dropped reader,
 * not by what the flood would have queued for them. Nothing here keeps the messages it gets,
 * so the memory measured is the server's.
 */
import { once } from 'node:events';
import { openRawSession, type RawSession } from '@draftbridge/protocol-router/testing';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { measureMemory, mib } from './soak/measure-memory.js';
import { useTestServer } from './test-support/test-server.js';

const SLOW_READER_BYTES = 256 * 1024;
const NEVER_READERS = 6;
const TOTAL = 3000;
const MIB = 1024 * 1024;

const t = useTestServer({
  slowReaderBytes: SLOW_READER_BYTES,
  historyRetained: 10,
  historyWelcome: 10,
  ratePerSecond: 100_000,
  rateBurst: 100_000,
  // The sender is meant to flood: its inbound budget must not slow it down.
  inboundBytesPerSecond: 1024 * 1024 * 1024,
  inboundBurstBytes: 1024 * 1024 * 1024,
});

async function slowReadersClosed(): Promise<number> {
  const text = await (await fetch(`${t.http}/metrics`)).text();
  const counts = text.matchAll(/^draftbridge_slow_readers_closed_total\{[^}]*\} (\d+)$/gm);
  return [...counts].reduce((sum, match) => sum + Number(match[1]), 0);
}

// A member that keeps only the last seq it saw and whether every seq came in order.
async function countingMember(room: string, client: string) {
  const ws = new WebSocket(`${t.ws}/ws`);
  await once(ws, 'open');
  const state = { lastSeq: 0, count: 0, inOrder: true };
  const welcomed = new Promise<void>((resolve) => {
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; seq?: number };
      if (message.type === 'welcome') resolve();
      if (message.type !== 'message' || message.seq === undefined) return;
      if (state.count > 0 && message.seq !== state.lastSeq + 1) state.inOrder = false;
      state.lastSeq = message.seq;
      state.count += 1;
    });
  });
  ws.send(JSON.stringify({ type: 'join', room, nick: client, client }));
  await welcomed;
  return { ws, state };
}

describe('readers that never read', () => {
  it('are dropped past the slow-reader bound while the others get everything', async () => {
    const room = 'never-read';
    const readers: RawSession[] = await Promise.all(
      Array.from({ length: NEVER_READERS }, async (_, i) => {
        const session = await openRawSession(t.port, i % 2 ? 'hixie-76' : 'rfc6455');
        session.sendText(
          JSON.stringify({ type: 'join', room, nick: `n${i}`, client: `never-${i}` }),
        );
        await session.waitForFrame((f) => f.kind === 'text' && f.text.includes('"welcome"'));
        session.peer.socket.pause();
        return session;
      }),
    );
    const reader = await countingMember(room, 'reader');
    const sender = await countingMember(room, 'sender');
    const droppedBefore = await slowReadersClosed();
    const before = await measureMemory();
    let peak = 0;
    // ~6 KB a message: in all, enough to fill the kernel's buffers on loopback, then ours.
    const text = '漢'.repeat(2000);
    for (let batch = 0; batch < TOTAL / 100; batch += 1) {
      for (let i = 0; i < 100; i += 1) {
        sender.ws.send(JSON.stringify({ type: 'say', id: `m${batch * 100 + i}`, text }));
      }
      const deadline = Date.now() + 10_000;
      while (reader.state.count < (batch + 1) * 100 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      if (batch % 3 === 2) {
        const now = await measureMemory();
        peak = Math.max(peak, now.heapUsed + now.external - before.heapUsed - before.external);
      }
    }
    expect(reader.state).toEqual({ lastSeq: TOTAL, count: TOTAL, inOrder: true });

    // A paused reader never reads the close either: the server's side says it is gone.
    const deadline = Date.now() + 10_000;
    while ((await slowReadersClosed()) < droppedBefore + NEVER_READERS && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await slowReadersClosed()).toBe(droppedBefore + NEVER_READERS);
    expect(t.server.connections.size).toBe(2);
    console.info(
      `[hardening] slow readers: ${NEVER_READERS} never-readers dropped while ${TOTAL} messages (${mib(TOTAL * Buffer.byteLength(text))} for each member) went out; server memory peak growth ${mib(peak)}`,
    );
    // Without the bound, each never-reader would queue all 17 MiB; with it, about the bound
    // each (256 KiB) plus what is in flight for the two that read.
    expect(peak).toBeLessThan(NEVER_READERS * SLOW_READER_BYTES + 8 * MIB);
    for (const session of readers) session.peer.socket.destroy();
    reader.ws.close();
    sender.ws.close();
  }, 60_000);
});
