import { connectClient } from '@draftbridge/protocol-router';
import { eventually } from '@draftbridge/protocol-router/testing';
import type { ChatMessage, WireMessage } from '@draftbridge/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectChatClient, isType } from './test-support/chat-client.js';
import { startTestServer, type TestServer } from './test-support/test-server.js';

describe('the legacy relay', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.stop());

  it.each([76, 75] as const)(
    'carries chat over a genuine draft-%i leg, with the exact bytes when traced',
    async (draft) => {
      const client = await connectChatClient(draft === 76 ? 'relay-76' : 'relay-75', t.ws, {
        trace: true,
      });
      const join = JSON.stringify({
        type: 'join',
        room: `relay-${draft}`,
        nick: 'relayed',
        client: `r${draft}`,
      });
      client.send(join);
      const welcome = await client.waitFor(isType('welcome'));
      expect(welcome.self).toMatchObject({
        protocol: `hixie-${draft}`,
        engine: 'faye-websocket',
        relay: true,
      });
      const say = JSON.stringify({ type: 'say', id: 'w1', text: 'on the wire ✓' });
      client.send(say);
      const message = await client.waitFor(isType('message'));
      const wires = client.messages.filter((m): m is WireMessage => m.type === 'wire');
      const bytes = wires.map((w) => [w.dir, w.protocol, Buffer.from(w.bytes, 'base64')] as const);
      // What the relay wrote: the join and the say, each 0x00 <utf-8> 0xFF.
      expect(bytes.filter(([dir]) => dir === 'out')).toEqual([
        ['out', `hixie-${draft}`, Buffer.from([0x00, ...Buffer.from(join), 0xff])],
        ['out', `hixie-${draft}`, Buffer.from([0x00, ...Buffer.from(say), 0xff])],
      ]);
      // What it read: the welcome, then the message, byte for byte what the browser got as text.
      const incoming = bytes.filter(([dir]) => dir === 'in').map(([, , b]) => b);
      const texts = incoming.map((b) => {
        expect([b[0], b.at(-1)]).toEqual([0x00, 0xff]);
        return b.subarray(1, -1).toString('utf8');
      });
      expect(texts.map((text) => JSON.parse(text).type)).toEqual(['welcome', 'message']);
      expect(JSON.parse(texts[1] ?? '{}')).toEqual(message);
      client.close();
      await client.closed;
    },
  );

  it('sends no wire messages without trace=1', async () => {
    const client = await connectChatClient('relay-76', t.ws);
    client.send({ type: 'join', room: 'quiet', nick: 'q', client: 'q1' });
    client.send({ type: 'say', id: 'q1', text: 'hi' });
    await client.waitFor(isType('message'));
    expect(client.messages.map((m) => m.type)).toEqual(['welcome', 'message']);
    client.close();
    await client.closed;
  });

  it('cannot be pointed anywhere but its own server', async () => {
    await eventually(() => t.server.connections.size === 0);
    const ws = new WebSocket(
      `${t.ws}/relay?draft=76&host=10.0.0.1&port=1&url=ws%3A%2F%2F10.0.0.1%2Fws&target=evil`,
      {
        headers: { Host: '10.0.0.1:80' },
      },
    );
    await new Promise((resolve) => ws.on('open', resolve));
    ws.send(JSON.stringify({ type: 'ping', t: 'own' }));
    const pong = await new Promise<string>((resolve) =>
      ws.on('message', (d) => resolve(String(d))),
    );
    expect(JSON.parse(pong)).toEqual({ type: 'pong', t: 'own' });
    // The leg is one of this server's own connections, from loopback.
    const legs = [...t.server.connections].filter(
      (c) => c.path === '/ws' && c.protocol === 'hixie-76',
    );
    expect(legs.length).toBeGreaterThanOrEqual(1);
    expect(legs.every((c) => c.remoteAddress === '127.0.0.1')).toBe(true);
    expect(t.server.connections.size).toBe(2);
    ws.close();
    await eventually(() => t.server.connections.size === 0);
  });

  it('refuses a draft it does not speak', async () => {
    const ws = new WebSocket(`${t.ws}/relay?draft=77`);
    const [code] = await new Promise<[number]>((resolve) => ws.on('close', (c) => resolve([c])));
    expect(code).toBe(1008);
  });

  it('does not let an outside client claim to be a relay leg', async () => {
    const forger = await connectClient({
      protocol: 'hixie-76',
      url: `${t.ws}/ws`,
      headers: { 'X-Draftbridge-Relay': 'f'.repeat(64) },
    });
    const texts: string[] = [];
    forger.on('message', (text) => texts.push(text));
    forger.send(JSON.stringify({ type: 'join', room: 'forge', nick: 'forger', client: 'f1' }));
    await eventually(() => texts.length > 0);
    const welcome = JSON.parse(texts[0] ?? '{}');
    expect(welcome.type).toBe('welcome');
    expect(welcome.self.relay).toBeUndefined();
    forger.close();
  });

  it('closes the browser when its leg closes, and the leg when the browser leaves', async () => {
    await eventually(() => t.server.connections.size === 0);
    const client = await connectChatClient('relay-76', t.ws);
    client.send({ type: 'join', room: 'legs', nick: 'l', client: 'l1' });
    await client.waitFor(isType('welcome'));
    const leg = [...t.server.connections].findLast(
      (c) => c.path === '/ws' && c.protocol === 'hixie-76',
    );
    leg?.close(1000, 'test');
    expect((await client.closed).code).toBe(1001);

    const second = await connectChatClient('relay-76', t.ws);
    second.send({ type: 'join', room: 'legs', nick: 'm', client: 'm1' });
    await second.waitFor(isType('welcome'));
    const count = t.server.connections.size;
    second.close();
    await eventually(() => t.server.connections.size === count - 2);
  });

  it('keeps relay members in the same ordered stream as direct ones', async () => {
    const direct = await connectChatClient('rfc6455', t.ws);
    const relayed = await connectChatClient('relay-76', t.ws);
    direct.send({ type: 'join', room: 'mixed', nick: 'direct', client: 'd' });
    relayed.send({ type: 'join', room: 'mixed', nick: 'relayed', client: 'r' });
    await direct.waitFor(isType('welcome'));
    await relayed.waitFor(isType('welcome'));
    for (let i = 0; i < 10; i += 1) {
      (i % 2 === 0 ? direct : relayed).send({ type: 'say', id: `x${i}`, text: `n${i}` });
    }
    await direct.waitFor((m) => m.type === 'message' && m.seq === 10);
    await relayed.waitFor((m) => m.type === 'message' && m.seq === 10);
    const ids = (c: typeof direct) =>
      c.messages
        .filter((m): m is ChatMessage => m.type === 'message')
        .map((m) => `${m.seq}:${m.id}`);
    expect(ids(relayed)).toEqual(ids(direct));
    direct.close();
    relayed.close();
  });
});
