/**
 * Text that is not UTF-8 has one result on every protocol (docs/PROTOCOL.md, Guarantees): the
 * sender's connection is closed (1007 on RFC 6455 and hybi, the draft's closing handshake on
 * hixie) and nothing of it reaches any member. Before, a draft `say` holding `ED A0 80` (a
 * UTF-16 surrogate written as UTF-8) was broadcast to the room as U+FFFD.
 */
import { encodeHixieTextFrame, PROTOCOLS, type Protocol } from '@draftbridge/protocol-router';
import { clientFrame, openRawSession } from '@draftbridge/protocol-router/testing';
import type { ChatMessage } from '@draftbridge/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatTestClient, connectChatClient, isType } from './test-support/chat-client.js';
import { startTestServer, type TestServer } from './test-support/test-server.js';

const ROOM = 'utf8';

let t: TestServer;
let listeners: ChatTestClient[];
beforeAll(async () => {
  t = await startTestServer();
  // A member on each kind of connection: they must all see the same stream.
  listeners = await Promise.all(
    (['rfc6455', 'hybi-07', 'hixie-76', 'hixie-75', 'relay-76'] as const).map(async (kind) => {
      const client = await connectChatClient(kind, t.ws);
      client.send({ type: 'join', room: ROOM, nick: kind, client: `listener-${kind}` });
      await client.waitFor(isType('welcome'));
      return client;
    }),
  );
});
afterAll(async () => {
  for (const listener of listeners) listener.close();
  await t.stop();
});

const isDraft = (protocol: Protocol) => protocol.startsWith('hixie');

// The finding's bytes: `say` whose text ends in ED A0 80, which is not UTF-8.
function badSay(protocol: Protocol, id: string): Buffer {
  const json = Buffer.concat([
    Buffer.from(`{"type":"say","id":"${id}","text":"ok `),
    Buffer.from([0xed, 0xa0, 0x80]),
    Buffer.from('"}'),
  ]);
  return isDraft(protocol) ? encodeHixieTextFrame(json) : clientFrame(0x1, json);
}

describe.each(PROTOCOLS)('a say that is not UTF-8 on %s', (protocol) => {
  it('closes the sender and reaches no member', async () => {
    const sender = await openRawSession(t.port, protocol);
    sender.sendText(JSON.stringify({ type: 'join', room: ROOM, nick: 'bad', client: protocol }));
    await sender.waitForFrame((f) => f.kind === 'text' && f.text.includes('"welcome"'));
    sender.sendRaw(badSay(protocol, `bad-${protocol}`));
    await sender.peer.closed(5000);
    const close = sender.frames().find((f) => f.kind === 'close');
    if (protocol === 'hixie-75') expect(close).toBeUndefined();
    else expect(close).toEqual({ kind: 'close', code: isDraft(protocol) ? undefined : 1007 });
    expect(sender.messages().filter((m) => m.type === 'message')).toEqual([]);

    // A good message after it: every listener gets it, and none got anything before it.
    const id = `good-after-${protocol}`;
    const first = listeners[0] as ChatTestClient;
    first.send({ type: 'say', id, text: 'still one stream' });
    for (const listener of listeners) {
      await listener.waitFor((m) => m.type === 'message' && m.id === id);
      const texts = listener.messages
        .filter((m): m is ChatMessage => m.type === 'message')
        .map((m) => m.text);
      expect(
        texts.some((text) => text.includes('\ufffd')),
        listener.kind,
      ).toBe(false);
      expect(
        texts.filter((text) => text.startsWith('ok')),
        listener.kind,
      ).toEqual([]);
    }
  });
});
