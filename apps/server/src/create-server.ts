/**
 * Builds the draftbridge server: one HTTP server for the web app, `/healthz` and `/metrics`;
 * the protocol router on its `upgrade` event for `/ws` and `/relay`; a chat session per `/ws`
 * connection, the relay for `/relay`. `index.ts` only reads configuration and listens; tests
 * call this factory on port 0.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CLOSE_CODES,
  type Connection,
  createOriginPolicy,
  createProtocolRouter,
  createProxyTrust,
} from '@draftbridge/protocol-router';
import type { Hub } from './chat/hub.js';
import { createMemoryHub } from './chat/memory-hub.js';
import { createRedisHub } from './chat/redis/redis-hub.js';
import { createChatSession } from './chat/session.js';
import type { Config } from './config.js';
import { answerClientError, createHttpHandler } from './http-handler.js';
import { createLogger, type Logger } from './logger.js';
import {
  countConnectionClosed,
  countConnectionOpened,
  createMetrics,
  type Metrics,
} from './metrics.js';
import { createRelay } from './relay.js';
import { createResourceWatch } from './resource-watch.js';

/** The WebSocket paths the router accepts. */
export const WEBSOCKET_PATHS = ['/ws', '/relay'] as const;

/** How long shutdown waits for closing handshakes before it destroys what is left. */
export const SHUTDOWN_GRACE_MS = 3000;

/** Parts a caller may supply instead of the defaults. */
export interface ServerParts {
  readonly logger?: Logger;
  /** The hub; default: in memory, sized from the configuration. */
  readonly hub?: Hub;
}

/** A built server. */
export interface ChatServer {
  readonly http: http.Server;
  readonly metrics: Metrics;
  /** Open WebSocket connections, relay legs and browsers alike. */
  readonly connections: ReadonlySet<Connection>;
  /** Starts listening (default: the configured port and host); resolves with the address. */
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /**
   * Shuts down: stops accepting, closes every connection with its protocol's close (1001 on
   * hybi and RFC 6455, the closing handshake on hixie), waits briefly, destroys the rest.
   */
  close(): Promise<void>;
}

// The relay's target: this server's own address, with a wildcard bind reached over loopback.
function ownChatUrl(address: AddressInfo): string {
  const wildcard = address.address === '0.0.0.0' || address.address === '::';
  const loopback = address.family === 'IPv6' ? '::1' : '127.0.0.1';
  const host = wildcard ? loopback : address.address;
  return `ws://${address.family === 'IPv6' ? `[${host}]` : host}:${address.port}/ws`;
}

/** Builds the server from its configuration. */
export function createServer(config: Config, parts: ServerParts = {}): ChatServer {
  const logger = parts.logger ?? createLogger(config.logLevel);
  const resources = createResourceWatch();
  const metrics = createMetrics(resources);
  const hubOptions = {
    retainedHistory: config.historyRetained,
    welcomeHistory: config.historyWelcome,
    historyPageBytes: config.historyPageBytes,
    maxRoomMembers: config.maxRoomMembers,
  };
  // With REDIS_URL, rooms are shared with every instance on that Redis (chat/redis/).
  const hub =
    parts.hub ??
    (config.redisUrl === undefined
      ? createMemoryHub({
          ...hubOptions,
          roomHistoryBytes: config.historyRoomBytes,
          totalHistoryBytes: config.historyTotalBytes,
          metrics,
        })
      : createRedisHub({ ...hubOptions, url: config.redisUrl, logger }));
  const chatLimits = {
    ratePerSecond: config.ratePerSecond,
    rateBurst: config.rateBurst,
    joinTimeoutMs: config.joinTimeoutMs,
  };
  const connections = new Set<Connection>();
  let closing = false;

  const server = http.createServer(
    createHttpHandler({
      webRoot: config.webRoot,
      metrics,
      websocketPaths: WEBSOCKET_PATHS,
      health: async () => {
        if (closing) return { ok: false, detail: 'shutting down' };
        if (resources.exhausted()) return { ok: false, detail: 'file descriptors exhausted' };
        return (await hub.health?.()) ?? { ok: true };
      },
    }),
  );
  // Node's own answers to requests it cannot parse (400, 431) carry the security headers too.
  server.on('clientError', answerClientError);
  // After listening, the server's errors are failed accepts: out of descriptors, mostly.
  server.on('error', (error) => {
    resources.note(error);
    logger.warn({ err: error }, 'server error');
  });

  const relay = createRelay({
    target: () => ownChatUrl(server.address() as AddressInfo),
    handshakeTimeoutMs: config.handshakeTimeoutMs,
    legMaxMessageBytes: config.slowReaderBytes,
    logger,
    onLegChange: (delta) => metrics.relayLegsOpen.inc(delta),
    onLegError: (error) => {
      resources.note(error);
      return resources.exhausted();
    },
  });

  // What the log says of a connection; made when it is logged, not kept per connection.
  function logFields(connection: Connection) {
    const { protocol, engine, path } = connection;
    return {
      protocol,
      engine,
      path,
      remote: `${connection.remoteAddress}:${connection.remotePort}`,
      // Behind a trusted proxy (TRUST_PROXY) the socket's peer is the proxy.
      ...(connection.clientAddress === connection.remoteAddress
        ? {}
        : { client: connection.clientAddress }),
      ...(isRelayLeg(connection) ? { relay: true } : {}),
    };
  }

  function isRelayLeg(connection: Connection): boolean {
    return connection.path === '/ws' && relay.isRelayLeg(connection);
  }

  // One listener for every connection, not a closure each.
  function onConnectionClose(this: Connection, code: number, reason: string): void {
    connections.delete(this);
    countConnectionClosed(metrics, this);
    if (logger.isLevelEnabled('info')) {
      logger.info({ ...logFields(this), code, reason }, 'connection closed');
    }
  }

  function onConnection(connection: Connection): void {
    const { path } = connection;
    // A handshake admitted just before shutdown may still finish during it.
    if (closing) {
      connection.on('error', () => {});
      connection.close(CLOSE_CODES.goingAway, 'server shutting down');
      metrics.handshakesRejected.inc({ reason: 'shutting_down' });
      return;
    }
    connections.add(connection);
    countConnectionOpened(metrics, connection);
    if (logger.isLevelEnabled('info')) logger.info(logFields(connection), 'connection open');
    connection.on('close', onConnectionClose);
    if (path === '/relay') {
      relay.relay(connection);
      return;
    }
    createChatSession({
      connection,
      hub,
      relay: isRelayLeg(connection),
      metrics,
      logger,
      limits: chatLimits,
    });
  }

  const router = createProtocolRouter({
    paths: WEBSOCKET_PATHS,
    originPolicy: createOriginPolicy(config.allowedOrigins),
    ...(config.trustProxy.length === 0 ? {} : { trustProxy: createProxyTrust(config.trustProxy) }),
    handshakeTimeoutMs: config.handshakeTimeoutMs,
    maxMessageBytes: config.maxMessageBytes,
    maxFragments: config.maxFragments,
    maxBufferedBytes: config.slowReaderBytes,
    idleTimeoutMs: config.idleTimeoutMs,
    inboundBytesPerSecond: config.inboundBytesPerSecond,
    inboundBurstBytes: config.inboundBurstBytes,
    // The cap is answered with 503 before any engine; handshakes in flight count against it.
    admit: (pending) => connections.size + pending < config.maxConnections,
    onConnection,
    onFailure: (reason) => metrics.handshakesRejected.inc({ reason }),
  });
  router.attach(server);

  function listen(port = config.port, host = config.host): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const address = server.address() as AddressInfo;
        logger.info({ host: address.address, port: address.port }, 'listening');
        resolve(address);
      });
    });
  }

  async function close(): Promise<void> {
    if (closing) return;
    closing = true;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // Browsers first: their relay legs then close on their own, after the last message.
    const ordered = [...connections].sort(
      (a, b) => Number(b.path === '/relay') - Number(a.path === '/relay'),
    );
    for (const connection of ordered)
      connection.close(CLOSE_CODES.goingAway, 'server shutting down');
    const deadline = Date.now() + SHUTDOWN_GRACE_MS;
    while (connections.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const connection of connections) connection.terminate();
    server.closeAllConnections();
    await stopped;
    await hub.close();
    logger.info('stopped');
  }

  return { http: server, metrics, connections, listen, close };
}
