/**
 * A turn's share, seen from the wire: a connection parses at most INPUT_FRAMES_PER_TURN frames
 * of fresh input in one turn however many chunks it delivered, and at most
 * LEFTOVER_FRAMES_PER_TURN of what is left in each later turn, on every hybi path. Pongs tell:
 * a turn carries one pong at most, the answer to the latest ping it parsed (RFC 6455 §5.5.3),
 * so a pong's sequence number minus the one before is what one turn parsed. Before the share
 * was per turn, WebSocket-Node parsed a share for every chunk read (a socket that delivered
 * four chunks in a turn parsed 256 frames in its first turn) and faye-websocket two (one as it
 * read, one in the check phase).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_FRAMES_PER_TURN, LEFTOVER_FRAMES_PER_TURN } from '../constants.js';
import { type Protocol, protocolOfVersion } from '../protocols.js';
import { type EchoRouter, startEchoRouter } from '../test-support/echo-router.js';
import { HYBI_PATHS } from '../test-support/hybi-paths.js';
import { clientFrame, openRawSession, type ServerFrame } from '../testing/index.js';

const PINGS = 20_000;

let server: EchoRouter;
beforeAll(async () => {
  // The budget out of the way: the share, not the budget, is what paces the pings here.
  server = await startEchoRouter({
    inboundBytesPerSecond: Number.POSITIVE_INFINITY,
    inboundBurstBytes: Number.POSITIVE_INFINITY,
  });
});
afterAll(() => server.stop());

function ping(sequence: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(sequence);
  return clientFrame(0x9, payload);
}

const isPong = (frame: ServerFrame) => frame.kind === 'control' && frame.opcode === 0xa;

describe('a connection that sends many frames at once', () => {
  it.each(HYBI_PATHS)(
    'on %s parses at most a share of them a turn, a small one first',
    async (_name, version, target) => {
      const protocol = protocolOfVersion(version) as Protocol;
      const session = await openRawSession(server.port, protocol, target);
      // 200 KB in one write: the server reads it as several 64 KiB chunks, most in one turn.
      session.sendRaw(Buffer.concat(Array.from({ length: PINGS }, (_, i) => ping(i + 1))));
      await session.waitForFrame(
        (frame) =>
          isPong(frame) && frame.kind === 'control' && frame.payload.readUInt32BE() === PINGS,
        10_000,
      );
      const sequences = session
        .frames()
        .filter(isPong)
        .map((frame) => (frame.kind === 'control' ? frame.payload.readUInt32BE() : 0));
      const perTurn = sequences.map((sequence, i) => sequence - (sequences[i - 1] ?? 0));
      expect(perTurn[0]).toBeLessThanOrEqual(INPUT_FRAMES_PER_TURN);
      expect(Math.max(...perTurn)).toBeLessThanOrEqual(LEFTOVER_FRAMES_PER_TURN);
      // Every ping was parsed, in order, a share at a time.
      expect(perTurn.every((n) => n > 0)).toBe(true);
      expect(sequences.length).toBeGreaterThanOrEqual(PINGS / LEFTOVER_FRAMES_PER_TURN);
      session.peer.socket.destroy();
    },
    15_000,
  );
});

describe('a message larger than one read, with a limit that allows it', () => {
  let big: EchoRouter;
  beforeAll(async () => {
    big = await startEchoRouter({
      maxMessageBytes: 512 * 1024,
      inboundBytesPerSecond: Number.POSITIVE_INFINITY,
      inboundBurstBytes: Number.POSITIVE_INFINITY,
    });
  });
  afterAll(() => big.stop());

  // Reading stops once a read's worth (64 KiB) waits unparsed; a frame larger than that must
  // still be read to its end, or the connection waits for bytes it no longer reads.
  it.each(HYBI_PATHS)('on %s arrives whole', async (_name, version, target) => {
    const protocol = protocolOfVersion(version) as Protocol;
    const session = await openRawSession(big.port, protocol, target);
    const text = 'a'.repeat(300_000);
    session.sendRaw(clientFrame(0x1, Buffer.from(text)));
    await session.waitForFrame(
      (frame) => frame.kind === 'text' && frame.text === `echo:${text}`,
      5000,
    );
    session.peer.socket.destroy();
  });
});
