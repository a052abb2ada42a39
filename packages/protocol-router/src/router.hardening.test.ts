/**
 * The router under abuse: handshakes that stall, a connection cap answered before any engine,
 * and what is reported for each socket that never became a connection (one failure, the
 * right one: these feed the server's `handshakes_rejected_total`).
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createProtocolRouter } from './router.js';
import { type EchoRouter, startEchoRouter } from './test-support/echo-router.js';
import {
  connectRaw,
  DRAFT76_EXAMPLE,
  endOfHead,
  eventually,
  requestHead,
  upgradeHead,
} from './testing/index.js';

describe('router under abuse', () => {
  let server: EchoRouter | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('reports a hixie-76 handshake whose key3 never comes once, as a timeout', async () => {
    server = await startEchoRouter({ handshakeTimeoutMs: 200 });
    const peer = await connectRaw(server.port);
    peer.socket.write(upgradeHead('hixie-76', server.port));
    peer.socket.write(DRAFT76_EXAMPLE.key3.subarray(0, 4));
    await peer.closed(3000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.failures).toEqual(['handshake_timeout']);
  });

  it('reports one failure per refused socket, whatever the reason', async () => {
    server = await startEchoRouter({ handshakeTimeoutMs: 200 });
    const port = server.port;
    const heads = [
      'GET /ws HTTP/1.1\r\nHost: x\r\n',
      requestHead('/ws', { Host: 'x', Upgrade: 'h2c', Connection: 'Upgrade' }),
      requestHead('/nowhere', { Host: 'x', Upgrade: 'WebSocket', Connection: 'Upgrade' }),
    ];
    for (const head of heads) {
      const peer = await connectRaw(port);
      peer.socket.write(head);
      await peer.closed(3000);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(server.failures).toEqual(['handshake_timeout', 'malformed', 'unknown_path']);
  });

  it('answers 503 before any engine when admit says no, and counts handshakes in flight', async () => {
    const pendings: number[] = [];
    let open = true;
    server = await startEchoRouter({
      admit: (pending) => {
        pendings.push(pending);
        return open;
      },
    });
    const port = server.port;
    const held = await connectRaw(port);
    held.socket.write(upgradeHead('hixie-76', port));
    await held.waitFor((d) => endOfHead(d) > 0);
    open = false;
    const refused = await connectRaw(port);
    refused.socket.write(upgradeHead('hixie-76', port));
    await refused.closed(3000);
    expect(refused.received().toString('latin1')).toMatch(
      /^HTTP\/1\.1 503 Service Unavailable\r\n[\s\S]*\r\n\r\nServer full, try again later\.\n$/,
    );
    expect(pendings).toEqual([0, 1]);
    expect(server.failures).toEqual(['capacity']);
    // Once the held handshake completes it is no longer in flight.
    open = true;
    held.socket.write(DRAFT76_EXAMPLE.key3);
    await eventually(() => server?.connections.length === 1);
    const client = new WebSocket(server.url);
    await once(client, 'open');
    expect(pendings.at(-1)).toBe(0);
    client.close();
    held.socket.destroy();
  });

  it.each([
    ['rfc6455', '/ws'],
    ['hybi-08', '/ws'],
    ['hybi-07', '/ws'],
    ['rfc6455', '/ws?engine=faye-websocket'],
  ] as const)(
    'closes %s on %s when a client frame is not masked (RFC 6455 §5.1)',
    async (protocol, target) => {
      server = await startEchoRouter();
      const peer = await connectRaw(server.port, upgradeHead(protocol, server.port, { target }));
      await peer.waitFor((d) => endOfHead(d) > 0);
      const start = endOfHead(peer.received());
      peer.socket.write(Buffer.from([0x81, 0x04, ...Buffer.from('echo')]));
      await peer.closed(3000);
      const frames = peer.received().subarray(start);
      // No echo: the frame was refused, not processed. faye answers 1003, WebSocket-Node 1002.
      expect(frames[0]).toBe(0x88);
      expect([1002, 1003]).toContain(frames.readUInt16BE(2));
      expect(frames.includes(Buffer.from('echo:'))).toBe(false);
    },
  );

  it('sheds slow headers on a keep-alive socket after a plain HTTP request, too', async () => {
    const http = createServer((_req, res) => res.end('plain http\n'));
    // Node's keep-alive wait, then the handshake timeout: 200 + 300 ms here.
    http.keepAliveTimeout = 200;
    const failures: string[] = [];
    createProtocolRouter({
      paths: ['/ws'],
      handshakeTimeoutMs: 300,
      onConnection: () => {},
      onFailure: (failure) => failures.push(failure),
    }).attach(http);
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    try {
      const peer = await connectRaw((http.address() as AddressInfo).port);
      peer.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      await peer.waitFor((d) => d.includes('plain http'));
      const head = 'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n';
      let sent = 0;
      const dribble = setInterval(() => {
        if (!peer.socket.destroyed) peer.socket.write(head.charAt(sent++));
      }, 100);
      try {
        // Node's own headersTimeout is 60 s, checked every 30 s: only the router's timer is quick.
        const elapsed = await peer.closed(3000);
        expect(elapsed).toBeGreaterThanOrEqual(400);
        expect(sent).toBeLessThan(head.length);
        // Closing a keep-alive socket is no handshake failure.
        expect(failures).toEqual([]);
      } finally {
        clearInterval(dribble);
      }
    } finally {
      http.closeAllConnections();
      http.close();
    }
  });

  it('listens once for the close of a keep-alive socket, however many requests it carries', async () => {
    const http = createServer((_req, res) => res.end('plain http\n'));
    let serverSocket: import('node:net').Socket | undefined;
    http.on('connection', (socket) => {
      serverSocket = socket;
    });
    let opened = 0;
    // Two routers on one server: each listens for the close once (each has its own mark).
    for (const path of ['/ws', '/other']) {
      createProtocolRouter({
        paths: [path],
        onConnection: (connection) => {
          opened += 1;
          connection.close(1000, 'bye');
        },
      }).attach(http);
    }
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    try {
      const port = (http.address() as AddressInfo).port;
      const peer = await connectRaw(port);
      const listenersAtStart = serverSocket?.listenerCount('close') ?? 0;
      // More requests than EventEmitter's warning threshold of 10 listeners.
      for (let i = 1; i <= 12; i += 1) {
        peer.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
        await peer.waitFor((d) => d.toString('latin1').split('plain http').length > i);
      }
      expect(serverSocket?.listenerCount('close')).toBe(listenersAtStart);
      peer.socket.write(upgradeHead('rfc6455', port));
      await eventually(() => opened === 1);
      expect(serverSocket?.listenerCount('close')).toBeLessThanOrEqual(listenersAtStart + 2);
    } finally {
      http.closeAllConnections();
      http.close();
    }
  });

  it('serves a server that dispatches upgrades itself: opens, and times out a stalled key3', async () => {
    const http = createServer();
    const failures: { failure: string; url: string | undefined }[] = [];
    let opened = 0;
    const router = createProtocolRouter({
      paths: ['/ws'],
      handshakeTimeoutMs: 200,
      onConnection: (connection) => {
        opened += 1;
        connection.close(1000, 'bye');
      },
      onFailure: (failure, request) => failures.push({ failure, url: request?.url }),
    });
    // Not attached: the server hands the router only its upgrades.
    http.on('upgrade', (request, socket, head) => router.handleUpgrade(request, socket, head));
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    try {
      const port = (http.address() as AddressInfo).port;
      const peer = await connectRaw(port);
      peer.socket.write(upgradeHead('rfc6455', port));
      await eventually(() => opened === 1);
      const stalled = await connectRaw(port);
      stalled.socket.write(upgradeHead('hixie-76', port));
      stalled.socket.write(DRAFT76_EXAMPLE.key3.subarray(0, 4));
      await stalled.closed(3000);
      await eventually(() => failures.length === 1);
      expect(failures).toEqual([{ failure: 'handshake_timeout', url: '/ws' }]);
      expect(opened).toBe(1);
    } finally {
      http.closeAllConnections();
      http.close();
    }
  });
});
