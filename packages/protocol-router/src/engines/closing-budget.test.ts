/**
 * After the server's Close, until the peer's (or the close timeout), the connection still
 * reads: the peer's Close must be seen. A peer that floods instead of answering is read at its
 * inbound budget, on both engines, and what it sends is not kept: WebSocket-Node parses nothing
 * after its own Close yet appended every byte it read to its buffer (at full scale, 25 such
 * sockets took a server to 2.7 GB of RSS in the five seconds of the close timeout).
 */
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EchoRouter, startEchoRouter } from '../test-support/echo-router.js';
import { HYBI_PATHS, hybiHandshake } from '../test-support/hybi-paths.js';
import { clientFrame, connectRaw, endOfHead } from '../testing/index.js';

const BUDGET = 64 * 1024;
const FLOOD_MS = 1500;

let server: EchoRouter;
beforeAll(async () => {
  server = await startEchoRouter({
    inboundBytesPerSecond: BUDGET,
    inboundBurstBytes: BUDGET,
    closeTimeoutMs: 10_000,
  });
});
afterAll(() => server.stop());

const pings = Buffer.concat(
  Array.from({ length: 1000 }, () => clientFrame(0x9, Buffer.from('ping'))),
);

async function flood(socket: Socket, ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (performance.now() < until && socket.writable) {
    if (!socket.write(pings)) {
      await Promise.race([
        new Promise((resolve) => socket.once('drain', resolve)),
        new Promise((resolve) => setTimeout(resolve, Math.max(0, until - performance.now()))),
      ]);
    } else {
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

describe('a peer that floods instead of answering the Close', () => {
  it.each(HYBI_PATHS)(
    'on %s is read at its budget, not as fast as it sends',
    async (_name, version, target) => {
      // A peer that goes on sending after the server's FIN, as an attacker does.
      const peer = await connectRaw(server.port, undefined, { allowHalfOpen: true });
      await hybiHandshake(peer, server.port, version, target);
      const accepted = server.sockets.find((socket) => socket.remotePort === peer.socket.localPort);
      expect(accepted).toBeDefined();
      peer.socket.write(clientFrame(0x1, Buffer.from('close:1008')));
      // The server's Close: 0x88, 7 bytes: 1008 and "asked".
      await peer.waitFor((data) =>
        data.subarray(endOfHead(data)).includes(Buffer.from([0x88, 0x07, 0x03, 0xf0])),
      );
      peer.socket.pause();
      const before = (accepted as Socket).bytesRead;
      await flood(peer.socket, FLOOD_MS);
      const read = (accepted as Socket).bytesRead - before;
      // The burst, the refill over the flood, and a chunk or two read before a pause took hold.
      const allowed = BUDGET + (BUDGET * FLOOD_MS) / 1000 + 256 * 1024;
      expect(read).toBeLessThan(allowed);
      peer.socket.destroy();
    },
  );
});
