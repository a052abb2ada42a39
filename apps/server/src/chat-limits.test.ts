import type { ChatMessage, ErrorMessage } from '@draftbridge/shared-types';
import { describe, expect, it } from 'vitest';
import {
  type ChatTestClient,
  type ClientKind,
  connectChatClient,
  isType,
} from './test-support/chat-client.js';
import { type TestServer, useTestServer } from './test-support/test-server.js';

const isError = (code: string) => (m: { type: string; code?: string }) =>
  m.type === 'error' && m.code === code;

async function joined(
  kind: ClientKind,
  t: TestServer,
  room: string,
  client: string,
  since?: number,
) {
  const c = await connectChatClient(kind, t.ws);
  c.send({ type: 'join', room, nick: client, client, ...(since === undefined ? {} : { since }) });
  await c.waitFor(isType('welcome'));
  return c;
}

const chatMessages = (c: ChatTestClient) =>
  c.messages.filter((m): m is ChatMessage => m.type === 'message');

describe('every error of the contract, over a real socket', () => {
  const t = useTestServer();

  it.each(['rfc6455', 'hixie-76'] as const)(
    'answers each bad message on %s and keeps the connection open',
    async (kind) => {
      const c = await connectChatClient(kind, t.ws);
      const cases: [object | string, string][] = [
        ['not json', 'bad_json'],
        [{ type: 'shout' }, 'bad_message'],
        [{ type: 'say', id: 'x', text: 'before join' }, 'not_joined'],
        [{ type: 'join', room: 'Bad Room', nick: 'n', client: 'c' }, 'invalid_room'],
        [{ type: 'join', room: 'ok', nick: ' ', client: 'c' }, 'invalid_nick'],
      ];
      for (const [message, code] of cases) {
        c.send(message);
        await c.waitFor(isError(code));
      }
      c.send({ type: 'ping', t: 1 });
      await c.waitFor(isType('pong'));
      c.send({ type: 'join', room: `errors-${kind}`, nick: 'n', client: `c-${kind}` });
      await c.waitFor(isType('welcome'));
      c.send({ type: 'join', room: 'again', nick: 'n', client: 'c' });
      await c.waitFor(isError('already_joined'));
      c.send({ type: 'say', id: 'big', text: 'x'.repeat(2001) });
      await c.waitFor(isError('too_large'));
      c.send({ type: 'say', id: 'blank', text: '   ' });
      await c.waitFor(isError('bad_message'));
      if (kind === 'rfc6455') {
        c.sendBinary(Buffer.from([1, 2, 3]));
        await c.waitFor(isError('binary_unsupported'));
      }
      c.send({ type: 'say', id: 'fine', text: ' still open ' });
      const message = await c.waitFor(isType('message'));
      expect(message.text).toBe(' still open ');
      c.close();
    },
  );
});

describe('oversized frames close only their own connection', () => {
  const t = useTestServer({ maxMessageBytes: 8 * 1024 });

  it.each([
    ['rfc6455', 1009],
    ['hybi-08', 1009],
    ['hybi-07', 1009],
    ['hixie-76', 1000],
    ['hixie-75', 1000],
  ] as const)('closes %s with %i past the limit', async (kind, code) => {
    const bystander = await joined('rfc6455', t, `big-${kind}`, 'bystander');
    const big = await joined(kind, t, `big-${kind}`, 'big');
    big.send({ type: 'say', id: 'huge', text: 'x'.repeat(9 * 1024) });
    const close = await big.closed;
    expect(close.code).toBe(code);
    bystander.send({ type: 'say', id: 'after', text: 'unaffected' });
    const message = await bystander.waitFor((m) => m.type === 'message' && m.id === 'after');
    expect(message).toMatchObject({ text: 'unaffected' });
    expect(chatMessages(bystander).map((m) => m.id)).toEqual(['after']);
    bystander.close();
  });
});

describe('rate limit', () => {
  const t = useTestServer({ ratePerSecond: 5, rateBurst: 10 });

  it('drops a flood with one rate_limited and closes with 1008 after 200 drops', async () => {
    const flooder = await joined('rfc6455', t, 'flood', 'flooder');
    const other = await joined('hixie-76', t, 'flood', 'other');
    for (let i = 0; i < 260; i += 1) flooder.send({ type: 'say', id: `f${i}`, text: 'flood' });
    const close = await flooder.closed;
    expect(close.code).toBe(1008);
    const limited = flooder.messages.filter(
      (m): m is ErrorMessage => m.type === 'error' && m.code === 'rate_limited',
    );
    // One answer a second at most, not one per dropped message: the flood took well under two.
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(limited.length).toBeLessThanOrEqual(2);
    // The join took one token of the burst of 10: nine says got through, every one to both.
    await other.waitFor((m) => m.type === 'message' && m.seq === 9);
    expect(chatMessages(other).map((m) => m.id)).toEqual(
      Array.from({ length: 9 }, (_, i) => `f${i}`),
    );
    other.send({ type: 'ping', t: 'alive' });
    await other.waitFor(isType('pong'));
    other.close();
  });
});

describe('reconnects lose and duplicate nothing', () => {
  const t = useTestServer({ historyRetained: 5, historyWelcome: 3 });

  it('answers a resent (client, id) with the original message, to the sender only', async () => {
    const watcher = await joined('rfc6455', t, 'dedupe', 'watcher');
    const first = await joined('hixie-76', t, 'dedupe', 'tab-1');
    first.send({ type: 'say', id: 'once', text: 'only once' });
    const original = await first.waitFor(isType('message'));
    first.close();
    await first.closed;
    const again = await joined('hybi-07', t, 'dedupe', 'tab-1', original.seq);
    again.send({ type: 'say', id: 'once', text: 'only once' });
    const answer = await again.waitFor(isType('message'));
    expect(answer).toEqual(original);
    watcher.send({ type: 'say', id: 'marker', text: 'after' });
    await watcher.waitFor((m) => m.type === 'message' && m.id === 'marker');
    expect(chatMessages(watcher).map((m) => m.id)).toEqual(['once', 'marker']);
    watcher.close();
    again.close();
  });

  it('resumes with since, and says truncated when history no longer reaches back', async () => {
    const sender = await joined('rfc6455', t, 'resume', 'sender');
    for (let i = 1; i <= 8; i += 1) sender.send({ type: 'say', id: `r${i}`, text: `n${i}` });
    await sender.waitFor((m) => m.type === 'message' && m.seq === 8);
    const recent = await joined('hixie-75', t, 'resume', 'recent', 6);
    const welcome = await recent.waitFor(isType('welcome'));
    expect(welcome.history.map((m) => m.seq)).toEqual([7, 8]);
    expect(welcome.truncated).toBeUndefined();
    expect(welcome.seq).toBe(8);
    const old = await joined('hybi-08', t, 'resume', 'old', 1);
    const oldWelcome = await old.waitFor(isType('welcome'));
    expect(oldWelcome.truncated).toBe(true);
    expect(oldWelcome.history.map((m) => m.seq)).toEqual([4, 5, 6, 7, 8]);
    const fresh = await joined('rfc6455', t, 'resume', 'fresh');
    expect((await fresh.waitFor(isType('welcome'))).history.map((m) => m.seq)).toEqual([6, 7, 8]);
    for (const c of [sender, recent, old, fresh]) c.close();
  });
});

describe('slow readers', () => {
  // The sender is meant to be fast: neither its rate nor its inbound budget may slow it.
  const t = useTestServer({
    ratePerSecond: 100_000,
    rateBurst: 100_000,
    inboundBytesPerSecond: 1024 * 1024 * 1024,
    inboundBurstBytes: 1024 * 1024 * 1024,
  });

  it.each(['rfc6455', 'hixie-76'] as const)(
    'drops a %s reader that stops reading; the others get everything',
    async (kind) => {
      const room = `slow-${kind}`;
      const slow = await joined(kind, t, room, 'slow');
      const reader = await joined('hybi-08', t, room, 'reader');
      const sender = await joined('rfc6455', t, room, 'sender');
      slow.pause();
      // ~6 KB a message (2000 CJK code points), in batches the reader keeps up with, so only the
      // reader that stopped builds a backlog: first in the kernel's buffers, then in ours.
      const text = '漢'.repeat(2000);
      const count = 3000;
      for (let batch = 0; batch < count / 100; batch += 1) {
        for (let i = batch * 100; i < (batch + 1) * 100; i += 1)
          sender.send({ type: 'say', id: `s${i}`, text });
        await reader.waitFor((m) => m.type === 'message' && m.seq === (batch + 1) * 100, 10_000);
      }
      await reader.waitFor((m) => m.type === 'message' && m.seq === count, 30_000);
      expect(chatMessages(reader).map((m) => m.seq)).toEqual(
        Array.from({ length: count }, (_, i) => i + 1),
      );
      const metrics = await (await fetch(`${t.http}/metrics`)).text();
      expect(metrics).toMatch(
        new RegExp(`draftbridge_slow_readers_closed_total\\{protocol="${kind}"\\} 1`),
      );
      slow.close();
      reader.close();
      sender.close();
    },
    60_000,
  );
});
