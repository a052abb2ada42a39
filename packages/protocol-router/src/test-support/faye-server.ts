/**
 * A real faye-websocket server for the hixie client's tests: a plain `http.createServer()` on
 * 127.0.0.1:0 whose `upgrade` handler gives every socket to faye (websocket-driver 0.7.4, which
 * serves hixie-75 and hixie-76).
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import FayeWebSocket from 'faye-websocket';
import { Collector } from './collector.js';

/** One accepted connection, seen from the server. */
export interface FayePeer {
  readonly ws: FayeWebSocket;
  /** Text messages faye received, in order. */
  readonly messages: Collector<string>;
  /** Resolves when faye reports the connection open. */
  readonly opened: Promise<void>;
  /** Resolves when faye reports the connection closed. */
  readonly closed: Promise<void>;
}

/** A running faye-websocket server. */
export interface FayeTestServer {
  /** `ws://127.0.0.1:PORT` + path. */
  url(path?: string): string;
  /** Every accepted connection, in order. */
  readonly peers: Collector<FayePeer>;
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

/** Starts a faye-websocket server on 127.0.0.1:0. */
export async function startFayeServer(
  options: { maxLength?: number } = {},
): Promise<FayeTestServer> {
  const peers = new Collector<FayePeer>();
  const sockets = new Set<Duplex>();
  const server = http.createServer((_request, response) => response.writeHead(404).end());
  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const ws = new FayeWebSocket(request, socket, head, [], { maxLength: options.maxLength });
    const messages = new Collector<string>();
    ws.on('message', (event) => messages.push(String(event.data)));
    const opened = new Promise<void>((resolve) => ws.on('open', () => resolve()));
    const closed = new Promise<void>((resolve) => ws.on('close', () => resolve()));
    peers.push({ ws, messages, opened, closed });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: (path = '/ws') => `ws://127.0.0.1:${port}${path}`,
    peers,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
