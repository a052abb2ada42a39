/**
 * The close the server starts reaches Chromium's own WebSocket intact: a frame past the server's
 * limit (64 KiB) gets 1009, and the closing handshake completes (`wasClean`), on every path a
 * page can take. Before the server lingered after its Close, the unread rest of the frame made
 * the kernel answer with a TCP reset, and Chromium reported 1006 in about half the tries.
 */
import { expect, test } from '@playwright/test';
import { appUrl } from './chat-helpers.js';

/** How many tries each path gets. */
const TRIES = 100;
/**
 * How many run at once inside the page. Chromium delays each new handshake more the more are
 * pending (its network service throttles WebSocket connections): 25 at once took 4.6 s a batch
 * here, 8 at once about 14 ms a try, 1.4 s for the 100.
 */
const BATCH = 8;
/** Past the server's default MAX_MESSAGE_BYTES (65536). */
const FRAME_BYTES = 70 * 1024;

const PATHS = ['/ws', '/ws?engine=faye-websocket', '/relay?draft=76', '/relay?draft=75'] as const;

interface Outcome {
  readonly code: number;
  readonly wasClean: boolean;
}

test.describe('a close the server starts, seen by Chromium', () => {
  for (const path of PATHS) {
    test(`a ${FRAME_BYTES / 1024} KiB frame on ${path} closes with 1009, cleanly, ${TRIES} of ${TRIES} times`, async ({
      page,
    }) => {
      // Any page of the server's own origin: the origin the server allows. /healthz runs no
      // script of its own, so the page opens no other socket.
      await page.goto(appUrl('/healthz'));
      const outcomes = await page.evaluate(
        async ({ path, tries, batch, bytes }) => {
          const url = `${location.origin.replace(/^http/, 'ws')}${path}`;
          const once = () =>
            new Promise<Outcome>((resolve) => {
              const socket = new WebSocket(url);
              socket.onopen = () => socket.send('a'.repeat(bytes));
              socket.onclose = (event) => resolve({ code: event.code, wasClean: event.wasClean });
            });
          const all: Outcome[] = [];
          for (let done = 0; done < tries; done += batch) {
            const count = Math.min(batch, tries - done);
            all.push(...(await Promise.all(Array.from({ length: count }, once))));
          }
          return all;
        },
        { path, tries: TRIES, batch: BATCH, bytes: FRAME_BYTES },
      );
      const clean1009 = outcomes.filter((o) => o.code === 1009 && o.wasClean).length;
      const others = outcomes
        .filter((o) => !(o.code === 1009 && o.wasClean))
        .map((o) => `${o.code}${o.wasClean ? '' : ' (not clean)'}`);
      console.info(`[close] ${path}: 1009 clean in ${clean1009} of ${outcomes.length}`);
      expect(others).toEqual([]);
      expect(clean1009).toBe(TRIES);
    });
  }
});
