import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProtocolRouter } from '../router.js';
import { type EchoRouter, startEchoRouter } from '../test-support/echo-router.js';
import { startTcpTap } from '../test-support/tcp-tap.js';
import { eventually } from '../testing/eventually.js';
import { connectClient } from './connect-client.js';
import type { ProtocolClient } from './protocol-client.js';

let server: EchoRouter;
beforeAll(async () => {
  server = await startEchoRouter({ keepaliveIntervalMs: 100 });
});
afterAll(() => server.stop());

const ENGINES = [
  ['rfc6455', 'websocket'],
  ['hybi-08', 'websocket'],
  ['hybi-07', 'faye-websocket'],
  ['hixie-76', 'faye-websocket'],
  ['hixie-75', 'faye-websocket'],
] as const;

function observe(client: ProtocolClient) {
  const messages: string[] = [];
  const frames: { direction: 'in' | 'out'; bytes: Buffer }[] = [];
  const errors: Error[] = [];
  client.on('message', (text) => messages.push(text));
  client.on('frame', (direction, bytes) => frames.push({ direction, bytes }));
  client.on('error', (error) => errors.push(error));
  const closed = new Promise<[number, string]>((resolve) =>
    client.on('close', (code, reason) => resolve([code, reason])),
  );
  return { messages, frames, errors, closed };
}

// The payload of one small traced hybi frame, unmasked.
function hybiPayload(frame: Buffer): Buffer {
  if (((frame[1] ?? 0) & 0x80) === 0) return frame.subarray(2);
  const key = frame.subarray(2, 6);
  return Buffer.from(frame.subarray(6).map((byte, i) => byte ^ (key[i % 4] ?? 0)));
}

describe.each(ENGINES)('connectClient over %s', (protocol, engine) => {
  it(`chats with the router through ${engine} and closes with 1000`, async () => {
    const serverSide = server.nextConnection();
    const client = await connectClient({ protocol, url: server.url });
    const seen = observe(client);
    const peer = await serverSide;
    expect([peer.protocol, peer.engine]).toEqual([protocol, engine]);
    expect(client.protocol).toBe(protocol);
    expect(client.isOpen).toBe(true);
    expect(client.send('héllo 😀 שלום')).toBe(true);
    await eventually(() => seen.messages.length === 1);
    expect(seen.messages).toEqual(['echo:héllo 😀 שלום']);
    client.close();
    expect(client.isOpen).toBe(false);
    expect(client.send('too late')).toBe(false);
    expect(await seen.closed).toEqual([1000, expect.any(String)]);
    await eventually(() => server.closes.some((c) => c.protocol === protocol && c.code === 1000));
    expect(seen.errors).toEqual([]);
    expect(seen.frames).toEqual([]);
  });

  it('reports the close the server starts: its code on hybi, 1000 on the drafts', async () => {
    const client = await connectClient({ protocol, url: server.url });
    const seen = observe(client);
    client.send('close:4002');
    const [code] = await seen.closed;
    expect(code).toBe(protocol.startsWith('hixie') ? 1000 : 4002);
  });

  it('traces the exact bytes of every frame in and out', async () => {
    const client = await connectClient({ protocol, url: server.url, trace: true });
    const seen = observe(client);
    client.send('a');
    await eventually(() => seen.messages.length === 1);
    await eventually(() => seen.frames.some((f) => f.direction === 'in'));
    const out = seen.frames.find((f) => f.direction === 'out')?.bytes;
    const into = seen.frames.find((f) => f.direction === 'in')?.bytes;
    if (protocol.startsWith('hixie')) {
      expect(out?.toString('hex')).toBe('0061ff');
      expect(into?.toString('hex')).toBe(`00${Buffer.from('echo:a').toString('hex')}ff`);
    } else {
      // A client frame is masked (RFC 6455 §5.3), a server frame is not (§5.1).
      expect([out?.[0], (out?.[1] ?? 0) & 0x80, out?.length]).toEqual([0x81, 0x80, 7]);
      expect(out && hybiPayload(out).toString()).toBe('a');
      expect(into?.toString('hex')).toBe(`8106${Buffer.from('echo:a').toString('hex')}`);
    }
    client.terminate();
    expect((await seen.closed)[0]).toBe(1006);
  });

  it('keeps the exact bytes of its handshake when traced, as they crossed the wire', async () => {
    const tap = await startTcpTap(server.port);
    try {
      const url = `ws://127.0.0.1:${tap.port}/ws`;
      const client = await connectClient({ protocol, url, trace: true });
      const seen = observe(client);
      // What the server's answer is followed by: a frame the client reads, to be left out.
      client.send('after');
      await eventually(() => seen.messages.length === 1);
      const handshake = client.handshake;
      expect(handshake?.protocol).toBe(protocol);
      if (handshake === null) return;
      const [wire] = tap.connections;
      const up = Buffer.concat(wire?.up ?? []);
      const down = Buffer.concat(wire?.down ?? []);
      const request = Buffer.concat([handshake.requestHead, handshake.requestBody]);
      const response = Buffer.concat([handshake.responseHead, handshake.responseBody]);
      // The handshake is how each direction starts; the first frame follows straight after.
      expect(up.subarray(0, request.length).equals(request)).toBe(true);
      expect(down.subarray(0, response.length).equals(response)).toBe(true);
      expect(seen.frames.find((f) => f.direction === 'out')?.bytes).toEqual(
        up.subarray(request.length),
      );
      expect(handshake.requestHead.toString('latin1')).toMatch(
        /^GET \/ws HTTP\/1\.1\r\n[\s\S]*\r\n\r\n$/,
      );
      expect(handshake.responseHead.toString('latin1')).toMatch(/^HTTP\/1\.1 101 [\s\S]*\r\n\r\n$/);
      // Draft-76's challenge: 8 bytes of key3 after the request, the 16-byte answer after the response.
      const challenged = protocol === 'hixie-76';
      expect([handshake.requestBody.length, handshake.responseBody.length]).toEqual(
        challenged ? [8, 16] : [0, 0],
      );
      client.close();
      await seen.closed;
    } finally {
      await tap.stop();
    }
  });

  it('keeps no handshake bytes unless traced', async () => {
    const client = await connectClient({ protocol, url: server.url });
    expect(client.handshake).toBeNull();
    client.terminate();
  });

  it('refuses a close code an endpoint may not send', async () => {
    const client = await connectClient({ protocol, url: server.url });
    const seen = observe(client);
    expect(() => client.close(1006)).toThrow(RangeError);
    expect(() => client.close(1000, 'x'.repeat(124))).toThrow(/123 bytes/);
    expect(client.isOpen).toBe(true);
    client.close(4000, 'bye');
    await seen.closed;
  });

  it('rejects a handshake the server refuses', async () => {
    await expect(
      connectClient({ protocol, url: server.url, origin: 'http://evil.example' }),
    ).rejects.toThrow(/403/);
  });

  it('fails the connection on a message past maxMessageBytes', async () => {
    const client = await connectClient({ protocol, url: server.url, maxMessageBytes: 16 });
    const seen = observe(client);
    client.send('x'.repeat(20));
    const [code] = await seen.closed;
    expect(seen.messages).toEqual([]);
    // The drafts have no code for it: an error, then a close that did not complete. hybi-07
    // says so with an error and 1009; WebSocket-Node with its 1009 alone.
    expect(code).toBe(protocol.startsWith('hixie') ? 1006 : 1009);
    expect(seen.errors.length).toBe(engine === 'websocket' ? 0 : 1);
  });
});

describe('connectClient', () => {
  it('delivers what the server sends with its handshake to listeners attached after await', async () => {
    const http1 = http.createServer();
    createProtocolRouter({
      paths: ['/ws'],
      onConnection: (connection) => {
        connection.send('first');
        connection.send('second');
      },
    }).attach(http1);
    http1.listen(0, '127.0.0.1');
    await once(http1, 'listening');
    const url = `ws://127.0.0.1:${(http1.address() as AddressInfo).port}/ws`;
    try {
      for (const [protocol] of ENGINES) {
        const client = await connectClient({ protocol, url, trace: true });
        const seen = observe(client);
        await eventually(() => seen.messages.length === 2);
        expect(seen.messages, protocol).toEqual(['first', 'second']);
        expect(
          seen.frames.filter((f) => f.direction === 'in'),
          protocol,
        ).toHaveLength(2);
        client.terminate();
        await seen.closed;
      }
    } finally {
      http1.closeAllConnections();
      http1.close();
    }
  });

  it('answers the server’s pings on hybi-07 and stays open', async () => {
    const client = await connectClient({ protocol: 'hybi-07', url: server.url, trace: true });
    const seen = observe(client);
    await eventually(() => seen.frames.some((f) => f.direction === 'out' && f.bytes[0] === 0x8a));
    const ping = seen.frames.find((f) => f.direction === 'in' && f.bytes[0] === 0x89)?.bytes;
    const pong = seen.frames.find((f) => f.direction === 'out' && f.bytes[0] === 0x8a)?.bytes;
    expect(ping && pong && hybiPayload(pong)).toEqual(ping && hybiPayload(ping));
    expect(client.isOpen).toBe(true);
    client.close();
    await seen.closed;
  });

  it('rejects bad options with the option named', async () => {
    await expect(
      connectClient({ protocol: 'hybi-09' as 'hybi-07', url: server.url }),
    ).rejects.toThrow(/protocol must be one of rfc6455, hybi-08, hybi-07, hixie-76, hixie-75/);
    await expect(connectClient({ protocol: 'rfc6455', url: 'not a url' })).rejects.toThrow(
      /url is not a valid URL/,
    );
    await expect(
      connectClient({ protocol: 'rfc6455', url: server.url, maxMessageBytes: 0 }),
    ).rejects.toThrow(/maxMessageBytes must be a positive integer/);
    await expect(
      connectClient({ protocol: 'hybi-07', url: server.url.replace('ws:', 'http:') }),
    ).rejects.toThrow(/ws: or wss: for hybi-07/);
    await expect(
      connectClient({ protocol: 'hixie-76', url: server.url.replace('ws:', 'http:') }),
    ).rejects.toThrow(/must start with ws: or wss:/);
  });

  it('gives up on a server that never answers the handshake', async () => {
    const silent = http.createServer();
    silent.on('upgrade', () => {});
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const url = `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/ws`;
    try {
      for (const [protocol] of ENGINES) {
        await expect(
          connectClient({ protocol, url, handshakeTimeoutMs: 100 }),
          protocol,
        ).rejects.toThrow(/handshake|100 ms/);
      }
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
