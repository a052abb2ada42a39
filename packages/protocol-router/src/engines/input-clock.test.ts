/**
 * The input clock on every path: the messages of one share see the time the share began (one
 * clock read for all of them), a later share sees a later time, and outside a share it is
 * `performance.now()`. What meters input (the inbound budget, the chat's rate limit) reads it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_FRAMES_PER_TURN } from '../constants.js';
import { type Protocol, protocolOfVersion } from '../protocols.js';
import { type EchoRouter, startEchoRouter } from '../test-support/echo-router.js';
import { HYBI_PATHS } from '../test-support/hybi-paths.js';
import { clientTextFrame, openRawSession } from '../testing/index.js';
import { inputClock } from './engine-connection.js';

const PATHS: readonly (readonly [string, Protocol, string])[] = [
  ...HYBI_PATHS.map(
    ([name, version, target]) => [name, protocolOfVersion(version) as Protocol, target] as const,
  ),
  ['hixie-76 on faye-websocket', 'hixie-76', '/ws'],
  ['hixie-75 on faye-websocket', 'hixie-75', '/ws'],
];

// Fewer than a share, so that one chunk is parsed in one share.
const BATCH = INPUT_FRAMES_PER_TURN / 2;
const PAUSE_MS = 40;

let server: EchoRouter;
beforeAll(async () => {
  server = await startEchoRouter();
});
afterAll(() => server.stop());

describe('the input clock', () => {
  it('is performance.now() outside a share', () => {
    const before = performance.now();
    const clock = inputClock();
    expect(clock).toBeGreaterThanOrEqual(before);
    expect(clock).toBeLessThanOrEqual(performance.now());
  });

  it.each(PATHS)('on %s reads once per share', async (_name, protocol, target) => {
    const opened = server.nextConnection();
    const session = await openRawSession(server.port, protocol, target);
    const connection = await opened;
    const seen: { clock: number; now: number }[] = [];
    connection.on('text', () => seen.push({ clock: inputClock(), now: performance.now() }));
    const chunk = (from: number) =>
      Buffer.concat(
        Array.from({ length: BATCH }, (_, i) => clientTextFrame(protocol, `m${from + i}`)),
      );
    session.sendRaw(chunk(0));
    await session.waitForFrame((f) => f.kind === 'text' && f.text === `echo:m${BATCH - 1}`, 5000);
    await sleep(PAUSE_MS);
    session.sendRaw(chunk(BATCH));
    await session.waitForFrame(
      (f) => f.kind === 'text' && f.text === `echo:m${2 * BATCH - 1}`,
      5000,
    );
    expect(seen).toHaveLength(2 * BATCH);
    const first = seen.slice(0, BATCH);
    const second = seen.slice(BATCH);
    // One time for every message of a share, read before any of them was handled.
    expect(new Set(first.map((s) => s.clock)).size).toBe(1);
    expect(new Set(second.map((s) => s.clock)).size).toBe(1);
    for (const s of seen) expect(s.clock).toBeLessThanOrEqual(s.now);
    const [a, b] = [first[0]?.clock ?? 0, second[0]?.clock ?? 0];
    expect(b - a).toBeGreaterThanOrEqual(PAUSE_MS - 1);
    session.peer.socket.destroy();
  });
});
