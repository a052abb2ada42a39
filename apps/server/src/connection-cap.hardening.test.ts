import {
  connectRaw,
  DRAFT76_EXAMPLE,
  endOfHead,
  rawUpgrade,
  upgradeHead,
} from '@draftbridge/protocol-router/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChatTestClient, connectChatClient, isType } from './test-support/chat-client.js';
import { startTestServer, type TestServer } from './test-support/test-server.js';

const metricValue = async (t: TestServer, pattern: RegExp): Promise<number> => {
  const text = await (await fetch(`${t.http}/metrics`)).text();
  return Number(pattern.exec(text)?.[1] ?? Number.NaN);
};
const CAPACITY = /draftbridge_handshakes_rejected_total\{reason="capacity"\} (\d+)/;

describe('the connection cap', () => {
  let t: TestServer | undefined;
  const clients: ChatTestClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await t?.stop();
  });

  it('answers 503 before any engine once full, counts it, and admits again when a slot frees', async () => {
    t = await startTestServer({ maxConnections: 2 });
    for (const kind of ['rfc6455', 'hixie-76'] as const) {
      const client = await connectChatClient(kind, t.ws);
      client.send({ type: 'join', room: 'cap', nick: kind, client: kind });
      await client.waitFor(isType('welcome'));
      clients.push(client);
    }
    for (const head of [upgradeHead('rfc6455', t.port), upgradeHead('hixie-76', t.port)]) {
      const refused = await rawUpgrade(t.port, head);
      expect(refused.answer).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
      expect(refused.answer).toMatch(/\r\n\r\nServer full, try again later\.\n$/);
      expect(refused.closedWithin).toBeLessThan(1000);
    }
    expect(await metricValue(t, CAPACITY)).toBe(2);
    expect(t.server.connections.size).toBe(2);

    clients.shift()?.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const next = await connectChatClient('hybi-07', t.ws);
    clients.push(next);
    next.send({ type: 'join', room: 'cap', nick: 'next', client: 'next' });
    await next.waitFor(isType('welcome'));
  });

  it('counts hixie-76 handshakes still waiting for key3 against the cap', async () => {
    t = await startTestServer({ maxConnections: 2 });
    const port = t.port;
    // Two draft-76 handshakes hold their key3: both admitted (faye has written its 101 head),
    // neither open yet.
    const held = await Promise.all(
      [0, 1].map(() => connectRaw(port, upgradeHead('hixie-76', port))),
    );
    await Promise.all(held.map((peer) => peer.waitFor((d) => endOfHead(d) > 0)));
    expect(t.server.connections.size).toBe(0);
    const third = await rawUpgrade(port, upgradeHead('rfc6455', port));
    expect(third.answer).toMatch(/^HTTP\/1\.1 503 /);
    for (const peer of held) peer.socket.write(DRAFT76_EXAMPLE.key3);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(t.server.connections.size).toBe(2);
    for (const peer of held) peer.socket.destroy();
  });
});
