import type { ChatMessage } from '@draftbridge/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChatTestClient,
  type ClientKind,
  connectChatClient,
  isType,
} from './test-support/chat-client.js';
import { startTestServer, type TestServer } from './test-support/test-server.js';

const KINDS: readonly ClientKind[] = [
  'rfc6455',
  'hybi-08',
  'hybi-07',
  'hixie-76',
  'hixie-75',
  'relay-hybi-08',
  'relay-hybi-07',
  'relay-76',
  'relay-75',
];

const TEXTS = [
  'plain ascii',
  'emoji 😀👍🏽 and a family 👨‍👩‍👧',
  '漢字とかな、中文',
  'שלום עולם مرحبا',
  '😀'.repeat(2000),
  // 2000 code points as sent, spaces and all: the limit counts what is kept.
  `  spaced  ${'é'.repeat(1988)}  `,
];

describe('one room, every protocol', () => {
  let t: TestServer;
  const clients: ChatTestClient[] = [];
  beforeAll(async () => {
    t = await startTestServer();
    for (const [i, kind] of KINDS.entries()) {
      const client = await connectChatClient(kind, t.ws);
      client.send({
        type: 'join',
        room: 'every-protocol',
        nick: `nick-${kind}`,
        client: `client-${i}`,
      });
      await client.waitFor(isType('welcome'));
      clients.push(client);
    }
  });
  afterAll(() => t.stop());

  it('shows every member with its protocol, engine and relay flag', async () => {
    const last = clients.at(-1);
    const welcome = await last?.waitFor(isType('welcome'));
    expect(welcome?.members.map((m) => [m.nick, m.protocol, m.engine, m.relay ?? false])).toEqual([
      ['nick-rfc6455', 'rfc6455', 'websocket', false],
      ['nick-hybi-08', 'hybi-08', 'websocket', false],
      ['nick-hybi-07', 'hybi-07', 'faye-websocket', false],
      ['nick-hixie-76', 'hixie-76', 'faye-websocket', false],
      ['nick-hixie-75', 'hixie-75', 'faye-websocket', false],
      ['nick-relay-hybi-08', 'hybi-08', 'websocket', true],
      ['nick-relay-hybi-07', 'hybi-07', 'faye-websocket', true],
      ['nick-relay-76', 'hixie-76', 'faye-websocket', true],
      ['nick-relay-75', 'hixie-75', 'faye-websocket', true],
    ]);
  });

  it('delivers the same messages in the same order, byte-exact, to everyone', async () => {
    // Every client sends every text, interleaved: client 0 text 0, client 1 text 0, ...
    const sent: { client: string; id: string; text: string }[] = [];
    for (const [j, text] of TEXTS.entries()) {
      for (const [i, client] of clients.entries()) {
        const id = `m-${i}-${j}`;
        client.send({ type: 'say', id, text });
        sent.push({ client: `client-${i}`, id, text });
      }
    }
    const total = sent.length;
    await Promise.all(
      clients.map((client) =>
        client.waitFor((m) => m.type === 'message' && m.seq === total, 10_000),
      ),
    );
    const streams = clients.map((client) =>
      client.messages
        .filter((m): m is ChatMessage => m.type === 'message')
        .map((m) => [m.seq, m.id, m.client, m.text]),
    );
    const first = streams[0] ?? [];
    expect(first.map(([seq]) => seq)).toEqual(Array.from({ length: total }, (_, k) => k + 1));
    for (const stream of streams) expect(stream).toEqual(first);
    // Every text arrived exactly as sent, from the sender it was sent by.
    const byId = new Map(first.map(([, id, client, text]) => [id, { client, text }]));
    for (const message of sent)
      expect(byId.get(message.id)).toEqual({ client: message.client, text: message.text });
    // Each client's own messages keep the order that client sent them in.
    for (const [i] of clients.entries()) {
      const own = first.filter(([, , client]) => client === `client-${i}`).map(([, id]) => id);
      expect(own).toEqual(TEXTS.map((_, j) => `m-${i}-${j}`));
    }
  });

  it('announces a leave to everyone else, whatever the protocol', async () => {
    const leaver = clients[3];
    leaver?.close();
    await leaver?.closed;
    for (const client of clients.filter((c) => c !== leaver)) {
      const presence = await client.waitFor(
        (m) => m.type === 'presence' && m.event === 'leave' && m.member.nick === 'nick-hixie-76',
      );
      expect(presence).toMatchObject({ member: { protocol: 'hixie-76' } });
    }
  });
});
