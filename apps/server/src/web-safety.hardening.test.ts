/**
 * Web safety of the real server: the Origin policy under both header spellings and every
 * protocol, the security headers on every kind of HTTP response, hostile chat text relayed
 * byte for byte (rendering it safely is the page's job, checked in e2e), and a relay that no
 * request can point anywhere but its own server (relay.test.ts covers query parameters and
 * Host; this adds a decoy that must never be dialled, forwarding headers and odd targets).
 */
import { once } from 'node:events';
import net from 'node:net';
import {
  DRAFT76_EXAMPLE,
  RFC6455_EXAMPLE,
  rawUpgrade,
  requestHead,
} from '@draftbridge/protocol-router/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { connectChatClient, isType } from './test-support/chat-client.js';
import { startTestServer, type TestServer } from './test-support/test-server.js';

const FOREIGN = 'http://evil.example';
const LISTED = 'https://chat.example.org';

let t: TestServer;
let own: string;
beforeAll(async () => {
  t = await startTestServer({ allowedOrigins: [LISTED] });
  own = `http://127.0.0.1:${t.port}`;
});
afterAll(() => t.stop());

type Spelling = 'Origin' | 'Sec-WebSocket-Origin';

function upgradeHead(protocol: string, spelling: Spelling, origin: string): string | Buffer {
  const host: [string, string] = ['Host', `127.0.0.1:${t.port}`];
  const originHeader: [string, string] = [spelling, origin];
  if (protocol === 'hixie-76') {
    const head = requestHead('/ws', [
      host,
      ['Upgrade', 'WebSocket'],
      ['Connection', 'Upgrade'],
      ['Sec-WebSocket-Key1', DRAFT76_EXAMPLE.key1],
      ['Sec-WebSocket-Key2', DRAFT76_EXAMPLE.key2],
      originHeader,
    ]);
    return Buffer.concat([Buffer.from(head), DRAFT76_EXAMPLE.key3]);
  }
  if (protocol === 'hixie-75') {
    return requestHead('/ws', [
      host,
      ['Upgrade', 'WebSocket'],
      ['Connection', 'Upgrade'],
      originHeader,
    ]);
  }
  const version = { rfc6455: '13', 'hybi-08': '8', 'hybi-07': '7' }[protocol] ?? '13';
  return requestHead('/ws', [
    host,
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', RFC6455_EXAMPLE.key],
    ['Sec-WebSocket-Version', version],
    originHeader,
  ]);
}

async function statusOf(bytes: string | Buffer): Promise<number> {
  const socket = net.connect(t.port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(bytes);
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  socket.destroy();
  return Number(chunk.toString('latin1').slice(9, 12));
}

describe('the Origin policy', () => {
  const protocols = ['rfc6455', 'hybi-08', 'hybi-07', 'hixie-76', 'hixie-75'];
  const spellings: Spelling[] = ['Origin', 'Sec-WebSocket-Origin'];

  it.each(protocols.flatMap((p) => spellings.map((s) => [p, s] as const)))(
    'on %s with %s: refuses a foreign origin and null, allows its own and the listed one',
    async (protocol, spelling) => {
      expect(await statusOf(upgradeHead(protocol, spelling, FOREIGN))).toBe(403);
      expect(await statusOf(upgradeHead(protocol, spelling, 'null'))).toBe(403);
      expect(
        await statusOf(upgradeHead(protocol, spelling, `${FOREIGN}.127.0.0.1:${t.port}`)),
      ).toBe(403);
      expect(await statusOf(upgradeHead(protocol, spelling, `${own}.evil.example`))).toBe(403);
      expect(await statusOf(upgradeHead(protocol, spelling, own))).toBe(101);
      expect(await statusOf(upgradeHead(protocol, spelling, own.toUpperCase()))).toBe(101);
      expect(await statusOf(upgradeHead(protocol, spelling, LISTED))).toBe(101);
    },
  );

  it('refuses a request that carries a foreign origin twice, or an allowed and a foreign one', async () => {
    const twice = requestHead('/ws', [
      ['Host', `127.0.0.1:${t.port}`],
      ['Upgrade', 'websocket'],
      ['Connection', 'Upgrade'],
      ['Sec-WebSocket-Key', RFC6455_EXAMPLE.key],
      ['Sec-WebSocket-Version', '13'],
      ['Origin', own],
      ['Origin', FOREIGN],
    ]);
    expect(await statusOf(twice)).toBe(403);
    const mixed = (await rawUpgrade(t.port, upgradeHead('rfc6455', 'Origin', FOREIGN))).answer;
    expect(mixed).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
  });
});

describe('security headers', () => {
  const EXPECTED = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };

  it.each([
    ['the page', '/', 'GET', 200],
    ['a static file', '/app.js', 'GET', 200],
    ['HEAD of the page', '/', 'HEAD', 200],
    ['/healthz', '/healthz', 'GET', 200],
    ['/metrics', '/metrics', 'GET', 200],
    ['a missing file', '/missing.js', 'GET', 404],
    ['a traversal attempt', '/..%2f..%2fpackage.json', 'GET', 404],
    ['a refused method', '/', 'POST', 405],
  ])('come with %s', async (_name, path, method, status) => {
    const res = await fetch(`${t.http}${path}`, { method });
    expect(res.status).toBe(status);
    for (const [name, value] of Object.entries(EXPECTED)) expect(res.headers.get(name)).toBe(value);
    const csp = res.headers.get('content-security-policy') ?? '';
    const directives = Object.fromEntries(
      csp.split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(directives).toMatchObject({
      'default-src': "'self'",
      'script-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'self'",
      'frame-ancestors': "'none'",
    });
    // No inline or evaluated script may run, whatever text gets into the page.
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    await res.arrayBuffer();
  });
});

describe('hostile chat text', () => {
  it('is relayed byte for byte to every protocol, never altered or interpreted', async () => {
    const hostile = [
      '<script>alert(1)</script>',
      '<img src=x onerror="alert(1)">',
      '"><svg/onload=alert(1)>',
      'javascript:alert(1)',
      '{{constructor.constructor("alert(1)")()}}',
      '\u202eevil\u202c <b>bold</b> &amp; &lt;',
    ];
    const kinds = ['rfc6455', 'hixie-76', 'hixie-75', 'relay-76'] as const;
    const clients = await Promise.all(kinds.map((kind) => connectChatClient(kind, t.ws)));
    for (const [i, client] of clients.entries()) {
      client.send({ type: 'join', room: 'hostile', nick: `<b>n${i}</b>`, client: `x${i}` });
      await client.waitFor(isType('welcome'));
    }
    for (const [i, text] of hostile.entries()) clients[0]?.send({ type: 'say', id: `h${i}`, text });
    for (const client of clients) {
      await client.waitFor((m) => m.type === 'message' && m.id === `h${hostile.length - 1}`);
      const texts = client.messages.flatMap((m) => (m.type === 'message' ? [m.text] : []));
      expect(texts).toEqual(hostile);
      client.close();
    }
  });
});

describe('the relay target', () => {
  it('is never anything but its own server, whatever the request says', async () => {
    const dialled: string[] = [];
    const decoy = net.createServer((socket) => {
      dialled.push(String(socket.remotePort));
      socket.destroy();
    });
    decoy.listen(0, '127.0.0.1');
    await once(decoy, 'listening');
    const decoyPort = (decoy.address() as net.AddressInfo).port;
    const elsewhere = `127.0.0.1:${decoyPort}`;
    const attempts: [string, Record<string, string>][] = [
      [`/relay?draft=76&host=127.0.0.1&port=${decoyPort}`, {}],
      [`/relay?draft=76&url=${encodeURIComponent(`ws://${elsewhere}/ws`)}`, {}],
      [`/relay?draft=76&target=${elsewhere}&to=${elsewhere}&server=${elsewhere}`, {}],
      ['/relay?draft=76', { Host: elsewhere }],
      ['/relay?draft=76', { 'X-Forwarded-Host': elsewhere, 'X-Forwarded-Port': String(decoyPort) }],
      [
        '/relay?draft=76',
        { Forwarded: `host=${elsewhere};proto=http`, 'X-Forwarded-For': '10.0.0.1' },
      ],
      ['/relay?draft=75&draft=76', { Host: elsewhere }],
      [`/relay?draft=76&leg=${encodeURIComponent(`ws://${elsewhere}/ws`)}&draft=75`, {}],
      // Every leg protocol, asked for with protocol=, and the same tricks.
      ...(['hybi-08', 'hybi-07', 'hixie-76', 'hixie-75'] as const).flatMap(
        (protocol): [string, Record<string, string>][] => [
          [`/relay?protocol=${protocol}&host=127.0.0.1&port=${decoyPort}`, { Host: elsewhere }],
          [
            `/relay?protocol=${protocol}&url=${encodeURIComponent(`ws://${elsewhere}/ws`)}`,
            { 'X-Forwarded-Host': elsewhere },
          ],
        ],
      ),
    ];
    try {
      for (const [i, [path, headers]] of attempts.entries()) {
        const ws = new WebSocket(`${t.ws}${path}`, { headers });
        await once(ws, 'open');
        const pong = once(ws, 'message');
        // Answered through a leg to this very server: the relay went nowhere else.
        ws.send(JSON.stringify({ type: 'ping', t: `attempt-${i}` }));
        expect(JSON.parse(String((await pong)[0]))).toEqual({ type: 'pong', t: `attempt-${i}` });
        ws.close();
        await once(ws, 'close');
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(dialled).toEqual([]);
    } finally {
      decoy.close();
    }
  });
});
