/**
 * A peer that does not read its answers is not served more once its backlog passes
 * BACKLOG_PAUSE_BYTES: the server stops reading it until the socket drains. Below that, a peer
 * whose socket is only a little behind (the kernel's buffer full, a turn or two queued) is read
 * as usual, so a busy room's senders are not held to their slowest drain. The cheap attack:
 * flooding requests whose answers are never read keeps the backlog within a read's answers of
 * the pause.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../connection.js';
import { BACKLOG_PAUSE_BYTES } from '../constants.js';
import { type EchoRouter, startEchoRouter } from '../test-support/echo-router.js';
import { HYBI_PATHS, hybiHandshake } from '../test-support/hybi-paths.js';
import { clientFrame, connectRaw, eventually } from '../testing/index.js';

let server: EchoRouter;
beforeAll(async () => {
  // The inbound budget out of the way, so that only the backlog decides what is read.
  server = await startEchoRouter({
    maxBufferedBytes: BOUND,
    inboundBytesPerSecond: 64 * 1024 * 1024,
    inboundBurstBytes: 64 * 1024 * 1024,
  });
});
afterAll(() => server.stop());

const BOUND = 4 * 1024 * 1024;
const CHUNK = 'x'.repeat(32 * 1024);
const turn = () => new Promise((resolve) => setImmediate(resolve));

// Sends until the connection holds more than `bytes` the kernel has not taken.
async function backUp(connection: Connection, bytes: number): Promise<void> {
  for (let i = 0; i < 2000 && connection.bufferedAmount <= bytes; i += 1) {
    connection.send(CHUNK);
    await turn();
  }
  expect(connection.bufferedAmount).toBeGreaterThan(bytes);
}

// A raw peer on `version` at `target`, past its handshake, and the server's side of it.
async function openPeer(version: string, target: string) {
  const peer = await connectRaw(server.port);
  const opened = server.nextConnection();
  await hybiHandshake(peer, server.port, version, target);
  return { peer, connection: await opened };
}

describe('a peer that does not read', () => {
  it.each(HYBI_PATHS)(
    'on %s is still read a little behind, and not past the backlog bound until it drains',
    async (_name, version, target) => {
      const { peer, connection } = await openPeer(version, target);
      const texts: string[] = [];
      connection.on('text', (text) => texts.push(text));
      peer.socket.pause();

      // The kernel's buffers full and the socket past its high-water mark: still read.
      await backUp(connection, 32 * 1024);
      expect(connection.bufferedAmount).toBeLessThan(BACKLOG_PAUSE_BYTES);
      peer.socket.write(clientFrame(0x1, Buffer.from('behind')));
      await eventually(() => expect(texts).toEqual(['behind']));

      // Past the bound: what it sends now waits until it reads.
      await backUp(connection, BACKLOG_PAUSE_BYTES);
      await turn();
      peer.socket.write(clientFrame(0x1, Buffer.from('stuck')));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(texts).toEqual(['behind']);

      peer.socket.resume();
      await eventually(() => expect(texts).toEqual(['behind', 'stuck']), 5000);
      peer.socket.destroy();
    },
  );

  it.each(HYBI_PATHS)(
    'on %s, flooding requests whose answers it never reads, holds the backlog near the pause',
    async (name, version, target) => {
      const { peer, connection } = await openPeer(version, target);
      const accepted = server.sockets.find((socket) => socket.remotePort === peer.socket.localPort);
      let dropped = false;
      connection.on('close', () => {
        dropped = true;
      });
      peer.socket.pause();
      // Each 1 KiB request is answered with an echo as large: the cheapest amplification.
      const request = clientFrame(0x1, Buffer.alloc(1024, 0x61));
      const flood = Buffer.concat(Array.from({ length: 64 }, () => request));
      let peak = 0;
      const until = performance.now() + 1500;
      while (performance.now() < until && peer.socket.writable) {
        peer.socket.write(flood);
        peak = Math.max(peak, connection.bufferedAmount);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      peak = Math.max(peak, connection.bufferedAmount);
      console.info(
        `${name}: backlog peak ${peak} bytes, ${accepted?.bytesRead ?? 0} bytes read in all`,
      );
      // Past the pause nothing more is read, so nothing more is answered: the backlog stays
      // within a read's answers of the pause (with no pause it reached 4.1 MB, the bound's edge).
      expect(peak).toBeGreaterThan(BACKLOG_PAUSE_BYTES);
      expect(peak).toBeLessThan(BACKLOG_PAUSE_BYTES + 128 * 1024);
      expect(dropped).toBe(false);
      peer.socket.destroy();
    },
  );
});
