import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import WebSocket from 'faye-websocket';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { WireProtocol } from '../constants.js';
import { BenchConnection, openConnection } from './bench-connection.js';
import { DeliveryCounter } from './delivery-counter.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// An echo server on port 0: `ws` for RFC 6455, faye-websocket (driver 0.7.4) for hixie-76.
async function startEchoServer(protocol: WireProtocol): Promise<number> {
  const server = http.createServer();
  if (protocol === 'rfc6455') {
    const wss = new WebSocketServer({ server });
    wss.on('connection', (socket) =>
      socket.on('message', (data) => socket.send(data, { binary: false })),
    );
  } else {
    server.on('upgrade', (request, socket, head: Buffer) => {
      const ws = new WebSocket(request, socket, head);
      ws.on('message', (event) => ws.send(event.data));
    });
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

describe('openConnection', () => {
  for (const protocol of ['rfc6455', 'hixie76'] as const) {
    it(`does the ${protocol} handshake with a real server and counts and decodes what comes back`, async () => {
      const port = await startEchoServer(protocol);
      const connection: BenchConnection = await openConnection(protocol, {
        host: '127.0.0.1',
        port,
        path: '/',
      });
      cleanups.push(() => connection.destroy());
      const counter = new DeliveryCounter();
      const received: string[] = [];
      connection.counter = counter;
      connection.decode = true;
      connection.onMessage = (payload) => received.push(payload.toString('utf8'));
      connection.send('hello');
      connection.send('é'.repeat(300));
      expect(await counter.until(2, 5000)).toBe(true);
      expect(received).toEqual(['hello', 'é'.repeat(300)]);
    });
  }

  it('rejects when the server refuses the upgrade', async () => {
    const server = http.createServer();
    server.on('upgrade', (_request, socket) => socket.end('HTTP/1.1 403 Forbidden\r\n\r\n'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.address() as AddressInfo;
    await expect(openConnection('rfc6455', { host: '127.0.0.1', port, path: '/' })).rejects.toThrow(
      /403/,
    );
  });

  it('gives up on a draft stream with a length-prefixed frame, which no server sends for text', () => {
    const connection = new BenchConnection('hixie76', new net.Socket());
    connection.receive(Buffer.from([0x00, 0x41, 0xff, 0x80, 0x01, 0x41]));
    expect(connection.protocolError).toMatch(/frame type 0x80/);
    expect(connection.socket.destroyed).toBe(true);
  });
});
