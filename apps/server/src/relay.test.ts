import { answerDraft76Challenge, connectClient } from '@draftbridge/protocol-router';
import { eventually } from '@draftbridge/protocol-router/testing';
import type {
  ChatMessage,
  HandshakeMessage,
  RelayProtocolId,
  WireMessage,
} from '@draftbridge/shared-types';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { RELAY_SECRET_HEADER } from './relay.js';
import {
  type ChatTestClient,
  connectChatClient,
  isType,
  type RelayKind,
} from './test-support/chat-client.js';
import { useTestServer } from './test-support/test-server.js';
import { captureUpgrades } from './test-support/upgrade-capture.js';

// Every leg the relay opens: how a test client asks for it, and what the server sees on /ws.
const LEGS: readonly (readonly [RelayKind, RelayProtocolId, 'websocket' | 'faye-websocket'])[] = [
  ['relay-hybi-08', 'hybi-08', 'websocket'],
  ['relay-hybi-07', 'hybi-07', 'faye-websocket'],
  ['relay-76', 'hixie-76', 'faye-websocket'],
  ['relay-75', 'hixie-75', 'faye-websocket'],
];

// The payload of one frame the leg wrote or read: a draft's 00 <utf-8> FF, or a hybi frame
// (RFC 6455 §5.2), unmasked with its key when it has one (a client's, §5.3).
function payloadOf(protocol: RelayProtocolId, frame: Buffer): { text: string; masked: boolean } {
  if (protocol.startsWith('hixie')) {
    expect([frame[0], frame.at(-1)]).toEqual([0x00, 0xff]);
    return { text: frame.subarray(1, -1).toString('utf8'), masked: false };
  }
  expect(frame[0]).toBe(0x81); // FIN, text
  const masked = ((frame[1] ?? 0) & 0x80) !== 0;
  const code = (frame[1] ?? 0) & 0x7f;
  let offset = 2;
  let length = code;
  if (code === 126) {
    length = frame.readUInt16BE(2);
    offset = 4;
  } else if (code === 127) {
    length = Number(frame.readBigUInt64BE(2));
    offset = 10;
  }
  const key = masked ? frame.subarray(offset, offset + 4) : null;
  const body = frame.subarray(offset + (key === null ? 0 : 4));
  expect(body.length).toBe(length);
  const plain = key === null ? body : body.map((byte, i) => byte ^ (key[i % 4] ?? 0));
  return { text: Buffer.from(plain).toString('utf8'), masked };
}

// Clients a test opened, closed after it whatever happened, so one failure stays one.
const opened: ChatTestClient[] = [];
afterEach(() => {
  for (const client of opened.splice(0)) client.close();
});

async function open(
  kind: Parameters<typeof connectChatClient>[0],
  base: string,
  options?: Parameters<typeof connectChatClient>[2],
): Promise<ChatTestClient> {
  const client = await connectChatClient(kind, base, options);
  opened.push(client);
  return client;
}

const wiresOf = (client: ChatTestClient) =>
  client.messages.filter((m): m is WireMessage => m.type === 'wire');

describe('the legacy relay', () => {
  const t = useTestServer();

  it.each(LEGS)(
    'carries chat both ways over a genuine leg (%s: %s on %s), marked relay',
    async (kind, protocol, engine) => {
      const room = `both-${protocol}`;
      const peer = await open('rfc6455', t.ws);
      peer.send({ type: 'join', room, nick: 'direct', client: `d-${protocol}` });
      await peer.waitFor(isType('welcome'));
      const relayed = await open(kind, t.ws);
      relayed.send({ type: 'join', room, nick: 'relayed', client: `r-${protocol}` });
      const welcome = await relayed.waitFor(isType('welcome'));
      expect(welcome.self).toMatchObject({ nick: 'relayed', protocol, engine, relay: true });
      const joined = await peer.waitFor(
        (m) => m.type === 'presence' && m.event === 'join' && m.member.nick === 'relayed',
      );
      expect(joined).toMatchObject({ member: { protocol, engine, relay: true } });
      // The leg is one of the server's own connections, from loopback, of that protocol.
      const leg = [...t.server.connections].find(
        (c) => c.path === '/ws' && c.protocol === protocol && c.headers[RELAY_SECRET_HEADER],
      );
      expect([leg?.engine, leg?.remoteAddress]).toEqual([engine, '127.0.0.1']);

      relayed.send({ type: 'say', id: 'up', text: `from ${protocol} ✓ 😀` });
      const up = await peer.waitFor((m) => m.type === 'message' && m.id === 'up');
      expect(up).toMatchObject({ text: `from ${protocol} ✓ 😀`, from: { protocol, relay: true } });
      peer.send({ type: 'say', id: 'down', text: 'to the relay, שלום' });
      const down = await relayed.waitFor((m) => m.type === 'message' && m.id === 'down');
      expect(down).toMatchObject({ text: 'to the relay, שלום', from: { protocol: 'rfc6455' } });
      expect(down).toEqual(await peer.waitFor((m) => m.type === 'message' && m.id === 'down'));
      relayed.close();
      peer.close();
      await relayed.closed;
    },
  );

  it.each(LEGS)('traces the exact frame bytes of its %s leg (%s)', async (kind, protocol) => {
    const client = await open(kind, t.ws, { trace: true });
    const join = JSON.stringify({
      type: 'join',
      room: `trace-${protocol}`,
      nick: 'relayed',
      client: `t-${protocol}`,
    });
    client.send(join);
    await client.waitFor(isType('welcome'));
    const say = JSON.stringify({ type: 'say', id: 'w1', text: 'on the wire ✓' });
    client.send(say);
    const message = await client.waitFor(isType('message'));
    const frames = wiresOf(client).map((w) => {
      expect(w.protocol).toBe(protocol);
      return { dir: w.dir, ...payloadOf(protocol, Buffer.from(w.bytes, 'base64')) };
    });
    // What the relay wrote: the join and the say, masked on hybi (a client's frames, §5.3).
    const hybi = !protocol.startsWith('hixie');
    expect(frames.filter((f) => f.dir === 'out')).toEqual([
      { dir: 'out', text: join, masked: hybi },
      { dir: 'out', text: say, masked: hybi },
    ]);
    // What it read, unmasked: the welcome, then the message, what the browser got as text.
    const incoming = frames.filter((f) => f.dir === 'in');
    expect(incoming.map((f) => [JSON.parse(f.text).type, f.masked])).toEqual([
      ['welcome', false],
      ['message', false],
    ]);
    expect(JSON.parse(incoming[1]?.text ?? '{}')).toEqual(message);
    // The handshake comes first, before any frame and any chat message.
    expect(client.messages[0]?.type).toBe('handshake');
    client.close();
    await client.closed;
  });

  it.each(LEGS)(
    'reports the handshake of its %s leg as the exact bytes that crossed it (%s)',
    async (kind, protocol) => {
      const capture = captureUpgrades(t.server.http);
      let client: ChatTestClient;
      try {
        client = await open(kind, t.ws, { trace: true });
        await client.waitFor(isType('handshake'));
        client.send({
          type: 'join',
          room: `shake-${protocol}`,
          nick: 'h',
          client: `h-${protocol}`,
        });
        await client.waitFor(isType('welcome'));
      } finally {
        capture.stop();
      }
      const handshake = client.messages[0] as HandshakeMessage;
      expect(handshake.protocol).toBe(protocol);
      const legs = capture.upgrades.filter((u) => u.request.headers[RELAY_SECRET_HEADER]);
      expect(legs).toHaveLength(1);
      const [leg] = legs;
      if (leg === undefined) return;
      const bytes = (b64: string | undefined) => Buffer.from(b64 ?? '', 'base64');
      const request = bytes(handshake.request);
      const response = bytes(handshake.response);
      // The request head is what the server parsed, line for line, but for the secret's value,
      // starred out byte for byte; what followed it on draft-76 is key3, read by the server
      // before the first frame.
      const secret = String(leg.request.headers[RELAY_SECRET_HEADER]);
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      expect(request.toString('latin1')).not.toContain(secret);
      expect(request.toString('latin1')).toBe(
        leg.requestHead.toString('latin1').replace(secret, '*'.repeat(secret.length)),
      );
      const received = Buffer.concat(leg.received);
      const sent = Buffer.concat(leg.sent);
      if (protocol === 'hixie-76') {
        const key3 = bytes(handshake.key3);
        const answer = bytes(handshake.answer);
        expect(key3).toHaveLength(8);
        expect(received.subarray(0, 8).equals(key3)).toBe(true);
        expect(answer).toHaveLength(16);
        // The server's answer, what it wrote after its head, is the draft's MD5 of the keys.
        expect(sent.subarray(response.length, response.length + 16).equals(answer)).toBe(true);
        const header = (name: string) =>
          new RegExp(`^${name}: (.*)$`, 'm').exec(request.toString('latin1'))?.[1] ?? '';
        expect(
          answerDraft76Challenge(
            header('Sec-WebSocket-Key1'),
            header('Sec-WebSocket-Key2'),
            key3,
          )?.equals(answer),
        ).toBe(true);
      } else {
        expect([handshake.key3, handshake.answer]).toEqual([undefined, undefined]);
        // Nothing but frames follows the head: the first thing read after it is a frame.
        expect(received[0]).toBe(protocol === 'hixie-75' ? 0x00 : 0x81);
      }
      // The response head is the first thing the server wrote, byte for byte.
      expect(sent.subarray(0, response.length).toString('latin1')).toBe(
        response.toString('latin1'),
      );
      expect(response.toString('latin1')).toMatch(/^HTTP\/1\.1 101 [\s\S]*\r\n\r\n$/);
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

  it.each(LEGS)(
    'cannot be pointed anywhere but its own server (%s: protocol=%s)',
    async (_kind, protocol) => {
      await eventually(() => t.server.connections.size === 0);
      const ws = new WebSocket(
        `${t.ws}/relay?protocol=${protocol}&host=10.0.0.1&port=1&url=ws%3A%2F%2F10.0.0.1%2Fws&target=evil`,
        { headers: { Host: '10.0.0.1:80' } },
      );
      await new Promise((resolve) => ws.on('open', resolve));
      ws.send(JSON.stringify({ type: 'ping', t: 'own' }));
      const pong = await new Promise<string>((resolve) =>
        ws.on('message', (d) => resolve(String(d))),
      );
      expect(JSON.parse(pong)).toEqual({ type: 'pong', t: 'own' });
      // The leg is one of this server's own connections, from loopback.
      const legs = [...t.server.connections].filter(
        (c) => c.path === '/ws' && c.protocol === protocol,
      );
      expect(legs).toHaveLength(1);
      expect(legs.every((c) => c.remoteAddress === '127.0.0.1')).toBe(true);
      expect(t.server.connections.size).toBe(2);
      ws.close();
      await eventually(() => t.server.connections.size === 0);
    },
  );

  it.each([
    ['protocol=hixie-76', 'hixie-76'],
    ['protocol=hixie-75', 'hixie-75'],
    ['draft=76', 'hixie-76'],
    ['draft=75&protocol=hixie-75', 'hixie-75'],
    ['', 'hixie-76'],
  ])('opens the leg /relay?%s asks for: %s', async (query, protocol) => {
    const client = await connectClient({
      protocol: 'rfc6455',
      url: `${t.ws}/relay?${query}`,
    });
    const texts: string[] = [];
    client.on('message', (text) => texts.push(text));
    client.send(JSON.stringify({ type: 'join', room: 'asked', nick: 'a', client: `a-${query}` }));
    await eventually(() => texts.length > 0);
    expect(JSON.parse(texts[0] ?? '{}').self).toMatchObject({ protocol, relay: true });
    client.close();
  });

  it.each([
    ['draft=77', 'draft must be 75 or 76'],
    ['protocol=rfc6455', 'protocol must be one of hybi-08, hybi-07, hixie-76, hixie-75'],
    ['protocol=hybi-09', 'protocol must be one of hybi-08, hybi-07, hixie-76, hixie-75'],
    ['protocol=hixie-76&draft=75', 'protocol and draft disagree'],
  ])('refuses /relay?%s with 1008 and says why', async (query, reason) => {
    await eventually(() => t.server.connections.size === 0);
    const ws = new WebSocket(`${t.ws}/relay?${query}`);
    const closed = await new Promise<[number, string]>((resolve) =>
      ws.on('close', (code, why) => resolve([code, String(why)])),
    );
    expect(closed).toEqual([1008, reason]);
    // No leg was opened for it.
    expect([...t.server.connections].filter((c) => c.path === '/ws')).toHaveLength(0);
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

  it.each(LEGS)(
    'closes the browser when its %s leg closes, and the leg when the browser leaves (%s)',
    async (kind, protocol) => {
      await eventually(() => t.server.connections.size === 0);
      const client = await open(kind, t.ws);
      client.send({ type: 'join', room: 'legs', nick: 'l', client: `l-${protocol}` });
      await client.waitFor(isType('welcome'));
      const leg = [...t.server.connections].find(
        (c) => c.path === '/ws' && c.protocol === protocol,
      );
      expect(leg).toBeDefined();
      leg?.close(1000, 'test');
      expect((await client.closed).code).toBe(1001);
      await eventually(() => t.server.connections.size === 0);

      const second = await open(kind, t.ws);
      second.send({ type: 'join', room: 'legs', nick: 'm', client: `m-${protocol}` });
      await second.waitFor(isType('welcome'));
      expect(t.server.connections.size).toBe(2);
      second.close();
      // The browser's side and its leg's both go.
      await eventually(() => t.server.connections.size === 0);
    },
  );

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

describe('the relay under a browser that stops reading', () => {
  const SLOW_READER_BYTES = 256 * 1024;
  // Enough to fill every kernel buffer on the way twice over; the loop stops at the first drop.
  const MAX_SAYS = 6000;
  const t = useTestServer({
    slowReaderBytes: SLOW_READER_BYTES,
    historyPageBytes: SLOW_READER_BYTES / 4,
    ratePerSecond: 100_000,
    rateBurst: 100_000,
    inboundBytesPerSecond: 256 * 1024 * 1024,
    inboundBurstBytes: 256 * 1024 * 1024,
  });

  it.each(LEGS)(
    'stops reading its %s leg, so the leg passes the bound and the browser never does (%s)',
    async (kind, protocol) => {
      const room = `paused-${protocol}`;
      const browser = await open(kind, t.ws);
      browser.send({ type: 'join', room, nick: 'sleepy', client: `s-${protocol}` });
      await browser.waitFor(isType('welcome'));
      const relayed = [...t.server.connections].find((c) => c.path === '/relay');
      const leg = [...t.server.connections].find(
        (c) => c.path === '/ws' && c.protocol === protocol && c.headers[RELAY_SECRET_HEADER],
      );
      if (relayed === undefined || leg === undefined) throw new Error('no relay connections');
      const overflowed: string[] = [];
      relayed.on('overflow', () => overflowed.push('browser'));
      leg.on('overflow', () => overflowed.push('leg'));
      browser.pause();

      const sender = await open('rfc6455', t.ws);
      sender.send({ type: 'join', room, nick: 'loud', client: `l-${protocol}` });
      await sender.waitFor(isType('welcome'));
      const text = '漢'.repeat(2000);
      let browserBacklog = 0;
      for (let i = 0; i < MAX_SAYS && overflowed.length === 0; i += 1) {
        sender.send({ type: 'say', id: `f${i}`, text });
        if (i % 20 === 0) {
          await new Promise((resolve) => setTimeout(resolve, 2));
          browserBacklog = Math.max(browserBacklog, relayed.bufferedAmount);
        }
      }
      await eventually(() => overflowed.length > 0, 10_000);
      expect(overflowed).toEqual(['leg']);
      // The browser's backlog stayed near LEG_PAUSE_BYTES: the relay stopped reading its leg.
      expect(browserBacklog).toBeLessThan(SLOW_READER_BYTES / 2);
    },
    30_000,
  );
});
