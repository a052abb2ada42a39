/**
 * A plain HTTP server on port 0 with the router attached and an echo behind it, for the
 * router's integration tests. Text `close:<code>` asks the server to close with that code.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Connection } from '../connection.js';
import { createOriginPolicy } from '../origin-policy.js';
import { createProtocolRouter, type HandshakeFailure, type RouterOptions } from '../router.js';

/** A running echo server and what it saw. */
export interface EchoRouter {
  readonly port: number;
  readonly url: string;
  readonly connections: Connection[];
  readonly closes: { protocol: string; engine: string; code: number }[];
  readonly failures: HandshakeFailure[];
  /** Every TCP socket the server accepted, in order (for what the server read from each). */
  readonly sockets: Socket[];
  /** Resolves with the next connection to open. */
  nextConnection(): Promise<Connection>;
  stop(): Promise<void>;
}

/** Options of the echo server: the router's, and a look at each socket before the router's. */
export type EchoRouterOptions = Partial<Omit<RouterOptions, 'onConnection' | 'onFailure'>> & {
  readonly onSocket?: (socket: Socket) => void;
};

/** Starts an echo server behind the router. */
export async function startEchoRouter(options: EchoRouterOptions = {}): Promise<EchoRouter> {
  const connections: Connection[] = [];
  const closes: EchoRouter['closes'] = [];
  const failures: HandshakeFailure[] = [];
  const waiting: ((connection: Connection) => void)[] = [];
  const sockets: Socket[] = [];
  const server = http.createServer((_req, res) => res.end('plain http\n'));
  server.on('connection', (socket: Socket) => {
    sockets.push(socket);
    options.onSocket?.(socket);
  });
  const router = createProtocolRouter({
    paths: ['/ws'],
    originPolicy: createOriginPolicy(['http://allowed.example']),
    ...options,
    onConnection(connection) {
      connections.push(connection);
      connection.on('text', (text) => {
        const close = /^close:(\d+)$/.exec(text);
        if (close) connection.close(Number(close[1]), 'asked');
        else connection.send(`echo:${text}`);
      });
      connection.on('binary', (data) => connection.send(`binary:${data.length}`));
      connection.on('error', () => {});
      connection.on('close', (code) =>
        closes.push({ protocol: connection.protocol, engine: connection.engine, code }),
      );
      waiting.shift()?.(connection);
    },
    onFailure: (failure) => failures.push(failure),
  });
  router.attach(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `ws://127.0.0.1:${port}/ws`,
    connections,
    closes,
    failures,
    sockets,
    nextConnection: () => new Promise((resolve) => waiting.push(resolve)),
    stop: () =>
      new Promise((resolve) => {
        for (const connection of connections) connection.terminate();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
