/**
 * A real faye-websocket server for the hixie client's tests: a plain `http.createServer()` on
 * 127.0.0.1:0 whose `upgrade` handler gives every socket to faye (websocket-driver 0.7.4, which
 * serves hixie-75 and hixie-76).
 */
import { once } from 'node:events';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { Collector } from './collector.js';

interface FayeEvent {
  readonly data?: unknown;
}

/** The part of faye-websocket's server-side socket these tests use. */
export interface FayeServerSocket {
  /** `hixie-75`, `hixie-76`, `hybi-13`. */
  readonly version: string;
  send(text: string): boolean;
  close(): void;
  on(event: 'open' | 'message' | 'close' | 'error', listener: (event: FayeEvent) => void): this;
}

type FayeWebSocketConstructor = new (
  request: http.IncomingMessage,
  socket: Duplex,
  head: Buffer,
  protocols: string[],
  options: { maxLength?: number },
) => FayeServerSocket;

// faye-websocket ships no types and none are published; this is the one place they are named.
const require = createRequire(import.meta.url);
const FayeWebSocket = require('faye-websocket') as FayeWebSocketConstructor;

/** One accepted connection, seen from the server. */
export interface FayePeer {
  readonly ws: FayeServerSocket;
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
