/**
 * The idle sweep over real sockets: one timer for every connection pings the quiet hybi and
 * RFC 6455 ones (the engines' own keepalive timers are off), a peer that answers stays open
 * past the idle timeout, and a peer that stays silent is closed with 1001 at it. The drafts
 * have no ping frame: their clients keep the connection with traffic of their own.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EchoRouter, startEchoRouter } from '../test-support/echo-router.js';
import { clientFrame, openRawSession, type RawSession } from '../testing/index.js';
import { IdleSweep } from './engine-connection.js';

const PING_AFTER_MS = 100;
const IDLE_TIMEOUT_MS = 500;

const WAYS = [
  ['rfc6455 on WebSocket-Node', 'rfc6455', '/ws'],
  ['rfc6455 on faye-websocket', 'rfc6455', '/ws?engine=faye-websocket'],
  ['hybi-08 on WebSocket-Node', 'hybi-08', '/ws'],
  ['hybi-07 on faye-websocket', 'hybi-07', '/ws'],
] as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const pings = (session: RawSession) =>
  session.frames().filter((f) => f.kind === 'control' && f.opcode === 0x9);

let server: EchoRouter;
beforeAll(async () => {
  server = await startEchoRouter({
    keepaliveIntervalMs: PING_AFTER_MS,
    idleTimeoutMs: IDLE_TIMEOUT_MS,
  });
});
afterAll(() => server.stop());

describe('IdleSweep', () => {
  it('ticks often enough for both the ping and the close, and not at all when both are off', () => {
    const sweep = new IdleSweep(60_000, 20_000);
    expect([sweep.periodMs, sweep.pingAfterTicks, sweep.closeAfterTicks]).toEqual([10_000, 2, 6]);
    const noPing = new IdleSweep(60_000, Number.POSITIVE_INFINITY);
    expect([noPing.periodMs, noPing.closeAfterTicks]).toEqual([15_000, 4]);
    expect(Number.isFinite(new IdleSweep(0, 0).periodMs)).toBe(false);
  });
});

describe.each(WAYS)('the idle sweep on %s', (_name, protocol, target) => {
  it('pings a quiet connection, and one that answers every ping outlives the idle timeout', async () => {
    const session = await openRawSession(server.port, protocol, target);
    let answered = 0;
    const deadline = Date.now() + IDLE_TIMEOUT_MS * 3;
    while (Date.now() < deadline) {
      await sleep(25);
      const seen = pings(session);
      for (; answered < seen.length; answered += 1) {
        session.sendRaw(clientFrame(0xa, Buffer.alloc(0)));
      }
    }
    expect(answered).toBeGreaterThanOrEqual(2);
    expect(session.frames().filter((f) => f.kind === 'close')).toEqual([]);
    session.sendText('still here');
    await session.waitForFrame((f) => f.kind === 'text' && f.text === 'echo:still here');
    session.peer.socket.destroy();
  });

  it('closes a connection that answers no ping with 1001 at the idle timeout', async () => {
    const opened = Date.now();
    const session = await openRawSession(server.port, protocol, target);
    await session.waitForFrame((f) => f.kind === 'close', IDLE_TIMEOUT_MS * 4);
    const elapsed = Date.now() - opened;
    expect(pings(session).length).toBeGreaterThanOrEqual(1);
    expect(session.frames().find((f) => f.kind === 'close')).toEqual({ kind: 'close', code: 1001 });
    // Never before the timeout; within a sweep period or two after it.
    expect(elapsed).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS);
    session.peer.socket.destroy();
  });
});

describe.each([
  ['hixie-76', 'hixie-76'],
  ['hixie-75', 'hixie-75'],
] as const)('the idle sweep on %s', (_name, protocol) => {
  it('sends no ping (the draft has none) and closes a silent connection at the idle timeout', async () => {
    const session = await openRawSession(server.port, protocol);
    await session.peer.waitFor(() => session.peer.ending() !== 'open', IDLE_TIMEOUT_MS * 4);
    expect(session.frames().filter((f) => f.kind === 'control')).toEqual([]);
    session.peer.socket.destroy();
  });
});
