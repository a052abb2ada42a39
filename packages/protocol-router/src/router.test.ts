import { once } from 'node:events';
import FayeWebSocket from 'faye-websocket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as WsWebSocket } from 'ws';
import { connectClient } from './client/connect-client.js';
import { answerDraft76Challenge } from './hixie/draft76-key.js';
import type { Protocol } from './protocols.js';
import { type EchoRouter, startEchoRouter } from './test-support/echo-router.js';
import {
  clientFrame,
  connectRaw,
  DRAFT76_EXAMPLE,
  endOfHead,
  eventually,
  RFC6455_EXAMPLE,
  requestHead,
  upgradeHead,
} from './testing/index.js';

let server: EchoRouter;
beforeAll(async () => {
  server = await startEchoRouter();
});
afterAll(() => server.stop());

const host = () => `127.0.0.1:${server.port}`;

// WebSocket-Node's client (through the client kit), speaking version 13 or 8.
async function websocketNodeClient(version: 8 | 13, url = server.url) {
  const connection = await connectClient({ protocol: version === 13 ? 'rfc6455' : 'hybi-08', url });
  const messages: string[] = [];
  connection.on('message', (text) => messages.push(text));
  connection.on('error', () => {});
  const closed = new Promise<number>((resolve) => connection.on('close', (code) => resolve(code)));
  return { connection, messages, closed };
}

describe('routing real clients to the right engine', () => {
  it.each([13, 8] as const)(
    'serves WebSocket-Node client version %i through WebSocket-Node',
    async (version) => {
      const serverSide = server.nextConnection();
      const { connection, messages, closed } = await websocketNodeClient(version);
      const peer = await serverSide;
      expect([peer.protocol, peer.engine]).toEqual([
        version === 13 ? 'rfc6455' : 'hybi-08',
        'websocket',
      ]);
      connection.send('héllo 😀');
      await eventually(() => messages.length === 1);
      expect(messages).toEqual(['echo:héllo 😀']);
      connection.close();
      expect(await closed).toBe(1000);
      await eventually(() =>
        server.closes.some((c) => c.protocol === peer.protocol && c.code === 1000),
      );
    },
  );

  it('serves the ws client through WebSocket-Node, text and binary', async () => {
    const serverSide = server.nextConnection();
    const client = new WsWebSocket(server.url);
    const messages: string[] = [];
    client.on('message', (data) => messages.push(String(data)));
    await once(client, 'open');
    expect((await serverSide).engine).toBe('websocket');
    client.send('漢字 שלום');
    client.send(Buffer.from([1, 2, 3]));
    await eventually(() => messages.length === 2);
    expect(messages).toEqual(['echo:漢字 שלום', 'binary:3']);
    client.close(1000);
    const [code] = await once(client, 'close');
    expect(code).toBe(1000);
  });

  it('serves the faye-websocket client, forced onto faye-websocket', async () => {
    const serverSide = server.nextConnection();
    const client = new FayeWebSocket.Client(`${server.url}?engine=faye-websocket`);
    const messages: string[] = [];
    client.on('message', (event) => messages.push(String(event.data)));
    await once(client, 'open');
    const peer = await serverSide;
    expect([peer.protocol, peer.engine]).toEqual(['rfc6455', 'faye-websocket']);
    client.send('forced');
    await eventually(() => messages.length === 1);
    expect(messages).toEqual(['echo:forced']);
    client.send('close:1001');
    const [event] = (await once(client, 'close')) as [{ code: number }];
    expect(event.code).toBe(1001);
  });

  it('serves a raw hybi-07 handshake through faye-websocket and closes with a code', async () => {
    const serverSide = server.nextConnection();
    const peer = await connectRaw(server.port);
    peer.socket.write(
      upgradeHead('hybi-07', server.port, {
        key: RFC6455_EXAMPLE.key,
        origin: 'http://allowed.example',
      }),
    );
    const head = await peer.waitFor((d) => endOfHead(d) > 0);
    expect(head.toString('latin1')).toMatch(/^HTTP\/1\.1 101/);
    // RFC 6455 §1.3's example: hybi-07 computes the same accept value.
    expect(head.toString('latin1')).toContain(`Sec-WebSocket-Accept: ${RFC6455_EXAMPLE.accept}`);
    const connection = await serverSide;
    expect([connection.protocol, connection.engine]).toEqual(['hybi-07', 'faye-websocket']);
    const start = endOfHead(peer.received());
    peer.socket.write(clientFrame(1, Buffer.from('seven')));
    const echo = Buffer.from([0x81, 10, ...Buffer.from('echo:seven')]);
    await peer.waitFor((d) => d.subarray(start).equals(echo));
    connection.close(1008, 'policy');
    // Close frame: FIN+8, length, code 1008 big-endian, reason.
    await peer.waitFor((d) =>
      d
        .subarray(start + echo.length)
        .subarray(0, 4)
        .equals(Buffer.from([0x88, 8, 0x03, 0xf0])),
    );
  });
});

describe('the drafts, on the wire', () => {
  // The example request's header order (draft-hixie-76 §1.2), with the shared example keys.
  const hixie76Head = (target = '/ws') =>
    requestHead(target, {
      Host: host(),
      Connection: 'Upgrade',
      'Sec-WebSocket-Key2': DRAFT76_EXAMPLE.key2,
      Upgrade: 'WebSocket',
      'Sec-WebSocket-Key1': DRAFT76_EXAMPLE.key1,
      Origin: 'http://allowed.example',
    });

  it('answers hixie-76 with the challenge after key3, even when key3 comes late', async () => {
    const serverSide = server.nextConnection();
    const peer = await connectRaw(server.port);
    peer.socket.write(hixie76Head());
    // faye may send the response headers early, but never the answer before key3 is in.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const early = peer.received();
    expect(early.length === 0 || early.length === endOfHead(early)).toBe(true);
    peer.socket.write(DRAFT76_EXAMPLE.key3);
    const answer = DRAFT76_EXAMPLE.answer;
    const data = await peer.waitFor((d) => endOfHead(d) > 0 && d.length >= endOfHead(d) + 16);
    const headText = data.subarray(0, endOfHead(data)).toString('latin1');
    expect(headText).toMatch(/^HTTP\/1\.1 101 WebSocket Protocol Handshake/);
    expect(headText).toContain(`Sec-WebSocket-Location: ws://${host()}/ws`);
    expect(headText).toContain('Sec-WebSocket-Origin: http://allowed.example');
    expect(data.subarray(endOfHead(data), endOfHead(data) + 16)).toEqual(answer);
    const connection = await serverSide;
    expect([connection.protocol, connection.engine]).toEqual(['hixie-76', 'faye-websocket']);
    const start = endOfHead(data) + 16;
    peer.socket.write(Buffer.from([0x00, ...Buffer.from('😀'), 0xff]));
    const echo = Buffer.from([0x00, ...Buffer.from('echo:😀'), 0xff]);
    await peer.waitFor((d) => d.subarray(start).equals(echo));
    // The closing handshake of draft-76 §5.3: 0xFF 0x00 both ways.
    peer.socket.write(Buffer.from([0xff, 0x00]));
    await peer.waitFor((d) => d.subarray(start + echo.length).equals(Buffer.from([0xff, 0x00])));
    await peer.closed();
    await eventually(() => server.closes.some((c) => c.protocol === 'hixie-76' && c.code === 1000));
  });

  it('takes key3 and a first frame that arrive with the headers', async () => {
    const peer = await connectRaw(server.port);
    peer.socket.write(
      Buffer.concat([
        Buffer.from(hixie76Head(), 'latin1'),
        DRAFT76_EXAMPLE.key3,
        Buffer.from([0, 0x61, 0xff]),
      ]),
    );
    await peer.waitFor((d) => d.includes(Buffer.from([0, ...Buffer.from('echo:a'), 0xff])));
    expect(
      answerDraft76Challenge(
        DRAFT76_EXAMPLE.key1,
        DRAFT76_EXAMPLE.key2,
        DRAFT76_EXAMPLE.key3,
      )?.toString('latin1'),
    ).toBe("8jKS'y:G*Co,Wxa-");
    peer.socket.destroy();
  });

  it('reads bytes after a draft-75 handshake as frames: a stray type byte swallows up to 0xFF', async () => {
    // The fuzz test's counterexample: a draft-76 key3 left behind a request that lost its keys.
    const serverSide = server.nextConnection();
    const peer = await connectRaw(server.port);
    const head = requestHead('/ws', { Upgrade: 'WebSocket', Connection: 'Upgrade', Host: host() });
    peer.socket.write(Buffer.concat([Buffer.from(head, 'latin1'), DRAFT76_EXAMPLE.key3]));
    const data = await peer.waitFor((d) => endOfHead(d) > 0);
    expect((await serverSide).protocol).toBe('hixie-75');
    const start = endOfHead(data);
    // '^' (0x5E, high bit clear) opened a frame: this text frame's bytes belong to it, and its
    // 0xFF ends it; the next frame is read as text again (draft-hixie-76 §5.3).
    peer.socket.write(Buffer.from([0x00, ...Buffer.from('swallowed'), 0xff]));
    peer.socket.write(Buffer.from([0x00, ...Buffer.from('read'), 0xff]));
    await peer.waitFor((d) => d.subarray(start).includes(Buffer.from('echo:read')));
    expect(peer.received().subarray(start).toString('latin1')).not.toContain('swallowed');
    peer.socket.destroy();
  });

  it('serves hixie-75 and closes it with a plain TCP close', async () => {
    const serverSide = server.nextConnection();
    const peer = await connectRaw(server.port);
    peer.socket.write(upgradeHead('hixie-75', server.port, { origin: 'http://allowed.example' }));
    const data = await peer.waitFor((d) => endOfHead(d) > 0);
    const headText = data.toString('latin1');
    expect(headText).toMatch(/^HTTP\/1\.1 101 Web Socket Protocol Handshake/);
    expect(headText).toContain(`WebSocket-Location: ws://${host()}/ws`);
    const connection = await serverSide;
    expect(connection.protocol).toBe('hixie-75');
    const start = endOfHead(data);
    peer.socket.write(Buffer.from([0x00, ...Buffer.from('seventy-five'), 0xff]));
    await peer.waitFor((d) =>
      d.subarray(start).equals(Buffer.from([0, ...Buffer.from('echo:seventy-five'), 0xff])),
    );
    connection.close();
    await peer.closed();
    expect(
      peer
        .received()
        .subarray(start)
        .includes(Buffer.from([0xff, 0x00])),
    ).toBe(false);
  });
});

// A raw hybi handshake of `protocol`; resolves once the 101 is in, with where frames start.
async function openRawHybi(protocol: Protocol) {
  const peer = await connectRaw(server.port, upgradeHead(protocol, server.port));
  await peer.waitFor((d) => endOfHead(d) > 0);
  return { peer, start: endOfHead(peer.received()) };
}

// True once the bytes from `start` begin with a close frame carrying `code`.
const closeFrameWith = (code: number, start: number) => (d: Buffer) =>
  d.length >= start + 4 && d[start] === 0x88 && d.readUInt16BE(start + 2) === code;

describe('limits enforced inside the engines', () => {
  it('closes RFC 6455 with 1009 past 64 KiB', async () => {
    const { connection, closed } = await websocketNodeClient(13);
    connection.send('x'.repeat(64 * 1024 + 1));
    expect(await closed).toBe(1009);
  });

  it('closes hybi-07 with 1009 past 64 KiB', async () => {
    const { peer, start } = await openRawHybi('hybi-07');
    peer.socket.write(clientFrame(1, Buffer.alloc(64 * 1024 + 1, 0x61)));
    await peer.waitFor(closeFrameWith(1009, start));
  });

  it('closes hixie-76 with 0xFF 0x00 past 64 KiB', async () => {
    const peer = await connectRaw(server.port, upgradeHead('hixie-76', server.port));
    peer.socket.write(DRAFT76_EXAMPLE.key3);
    await peer.waitFor((d) => endOfHead(d) > 0 && d.length >= endOfHead(d) + 16);
    const start = endOfHead(peer.received()) + 16;
    peer.socket.write(
      Buffer.concat([Buffer.from([0]), Buffer.alloc(64 * 1024 + 1, 0x61), Buffer.from([0xff])]),
    );
    await peer.closed();
    expect(peer.received().subarray(start)).toEqual(Buffer.from([0xff, 0x00]));
  });

  it('closes RFC 6455 with 1007 on invalid UTF-8', async () => {
    const { peer, start } = await openRawHybi('rfc6455');
    peer.socket.write(clientFrame(1, Buffer.from([0xc3, 0x28])));
    await peer.waitFor(closeFrameWith(1007, start));
  });
});

describe('refusals, over real sockets, before any engine', () => {
  const rfc = {
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': RFC6455_EXAMPLE.key,
    'Sec-WebSocket-Version': '13',
  };
  it.each([
    [
      'an unsupported version',
      '/ws',
      { ...rfc, 'Sec-WebSocket-Version': '9' },
      /^HTTP\/1\.1 426 [\s\S]*Sec-WebSocket-Version: 13, 8, 7/,
    ],
    [
      'a draft-76 key with no spaces',
      '/ws',
      {
        Upgrade: 'WebSocket',
        Connection: 'Upgrade',
        'Sec-WebSocket-Key1': '12345',
        'Sec-WebSocket-Key2': '1 2',
      },
      /^HTTP\/1\.1 400 /,
    ],
    [
      'a draft-76 key not divisible by its spaces',
      '/ws',
      {
        Upgrade: 'WebSocket',
        Connection: 'Upgrade',
        'Sec-WebSocket-Key1': '1 2 3',
        'Sec-WebSocket-Key2': '12 ',
      },
      /^HTTP\/1\.1 400 /,
    ],
    [
      'not a WebSocket upgrade',
      '/ws',
      { Upgrade: 'h2c', Connection: 'Upgrade' },
      /^HTTP\/1\.1 400 /,
    ],
    ['a foreign Origin', '/ws', { ...rfc, Origin: 'http://evil.example' }, /^HTTP\/1\.1 403 /],
    [
      'a foreign Sec-WebSocket-Origin',
      '/ws',
      { ...rfc, 'Sec-WebSocket-Version': '8', 'Sec-WebSocket-Origin': 'http://evil.example' },
      /^HTTP\/1\.1 403 /,
    ],
    ['an unknown path', '/elsewhere', rfc, /^HTTP\/1\.1 404 /],
  ])('answers %s and closes the socket', async (_name, target, headers, expected) => {
    const peer = await connectRaw(server.port);
    peer.socket.write(requestHead(target, { Host: host(), ...headers }));
    await peer.closed();
    expect(peer.received().toString('latin1')).toMatch(expected);
  });

  it('destroys a socket whose headers never finish', async () => {
    const slow = await startEchoRouter({ handshakeTimeoutMs: 300 });
    try {
      const peer = await connectRaw(slow.port);
      peer.socket.write('GET /ws HTTP/1.1\r\nHost: x\r\n');
      const elapsed = await peer.closed(3000);
      expect(elapsed).toBeGreaterThanOrEqual(200);
      expect(peer.received().length).toBe(0);
    } finally {
      await slow.stop();
    }
  });

  it('destroys a hixie-76 socket whose key3 never comes, and keeps an open one', async () => {
    const slow = await startEchoRouter({ handshakeTimeoutMs: 300 });
    try {
      const open = await websocketNodeClient(13, slow.url);
      const peer = await connectRaw(slow.port, upgradeHead('hixie-76', slow.port));
      peer.socket.write(DRAFT76_EXAMPLE.key3.subarray(0, 5));
      await peer.closed(3000);
      expect(slow.failures).toContain('handshake_timeout');
      await new Promise((resolve) => setTimeout(resolve, 300));
      open.connection.send('still here');
      await eventually(() => open.messages.includes('echo:still here'));
      open.connection.close();
    } finally {
      await slow.stop();
    }
  });

  it('still serves plain HTTP on the same server', async () => {
    const res = await fetch(`http://${host()}/`);
    expect(await res.text()).toBe('plain http\n');
  });
});
