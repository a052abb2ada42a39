/**
 * The router: one `upgrade` handler in front of two engines.
 *
 * Design note. Each upgrade is classified (classify.ts) before any engine sees the socket;
 * a refusal is answered here (abort-handshake.ts) and an acceptance goes to exactly one
 * engine with the request and the bytes already read. So no engine ever answers, ends or
 * destroys a socket that another should have taken: the lesson WebSocket-Node learned when a
 * first library closed sockets a fallback library could have served.
 *
 * The handshake timer starts at the socket's first byte (the server's `connection` event) and
 * stops when the engine reports the connection open, so it covers slow headers and a hixie-76
 * key3 body that never comes. Node's own header timeout is checked only every 30 s.
 *
 * A connection cap is asked after classification and before any engine (`admit`), so a full
 * server answers `503` like any other refusal instead of opening a connection only to close it.
 * `admit` is told how many admitted handshakes are still in flight (a hixie-76 client may hold
 * its key3 until the timeout), so that many slow handshakes cannot slip past the cap together.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { abortHandshake } from './abort-handshake.js';
import { classifyUpgrade, type RejectReason } from './classify.js';
import type { Connection } from './connection.js';
import {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_INBOUND_BURST_BYTES,
  DEFAULT_INBOUND_BYTES_PER_SECOND,
  DEFAULT_KEEPALIVE_INTERVAL_MS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_FRAGMENTS,
  DEFAULT_MAX_MESSAGE_BYTES,
} from './constants.js';
import { DeadlineQueue } from './deadline-queue.js';
import type { EngineLimits } from './engines/engine.js';
import { IdleSweep } from './engines/engine-connection.js';
import { ENGINE_ADAPTERS, type EngineRegistry } from './engines/index.js';
import type { ProxyTrust } from './forwarded.js';
import { createOriginPolicy, type OriginPolicy } from './origin-policy.js';
import { destroySocketNow, guardSocket } from './outbox.js';

/** Why a socket did not become a connection: a refusal, a timeout, or an engine failure. */
export type HandshakeFailure = RejectReason | 'capacity' | 'handshake_timeout' | 'engine_error';

/** Options of `createProtocolRouter`. */
export interface RouterOptions {
  /** Paths that take WebSockets; any other gets 404. */
  readonly paths: readonly string[];
  /** Who may connect; default: no Origin, or the server's own origin. */
  readonly originPolicy?: OriginPolicy;
  /**
   * Peers (proxies) whose X-Forwarded-For, -Proto and -Host are believed, for the client's
   * address, the public origin and the drafts' location header; default: none (forwarded.ts).
   */
  readonly trustProxy?: ProxyTrust;
  /** Default 5000. */
  readonly handshakeTimeoutMs?: number;
  /** Largest frame and message in bytes, default 65536; over it: 1009, or the drafts' close. */
  readonly maxMessageBytes?: number;
  /** Most frames in one message, default 1024; beyond: 1008. */
  readonly maxFragments?: number;
  /**
   * How long a hybi or RFC 6455 connection may be quiet before the idle sweep pings it (one
   * ping, answered by a pong that counts as progress), default 20000.
   */
  readonly keepaliveIntervalMs?: number;
  /** How long a closing handshake may take, and a closed socket keeps reading, default 5000. */
  readonly closeTimeoutMs?: number;
  /** Backlog past which a connection is dropped as a slow reader, default 1 MiB. */
  readonly maxBufferedBytes?: number;
  /** How long a connection may make no progress before it is closed (1001), default 60000. */
  readonly idleTimeoutMs?: number;
  /** Inbound budget per connection, default 256 KiB a second; `Infinity` turns it off. */
  readonly inboundBytesPerSecond?: number;
  /** How much of the budget a quiet connection may spend at once, default 512 KiB. */
  readonly inboundBurstBytes?: number;
  /** The engines by name; default the built-in ones (engines/index.ts). */
  readonly engines?: EngineRegistry;
  /**
   * Asked for every request that classification accepted, before any engine sees it; false
   * answers `503`. `pending` counts handshakes admitted earlier that are not open yet.
   */
  readonly admit?: (pending: number, request: IncomingMessage) => boolean;
  /** Called with every connection once it is open. */
  readonly onConnection: (connection: Connection, request: IncomingMessage) => void;
  /** Called for every socket that did not become a connection. */
  readonly onFailure?: (failure: HandshakeFailure, request: IncomingMessage | undefined) => void;
}

/** A router ready to take upgrades. */
export interface ProtocolRouter {
  /** Listens to a server's `connection` and `upgrade` events. */
  attach(server: Server): void;
  /** Handles one upgrade, for servers that dispatch `upgrade` themselves. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/** Builds a router. */
export function createProtocolRouter(options: RouterOptions): ProtocolRouter {
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
  // One object for every connection of this router: engines cache what they build from it.
  const limits: EngineLimits = Object.freeze({
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    maxFragments: options.maxFragments ?? DEFAULT_MAX_FRAGMENTS,
    closeTimeoutMs: options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS,
    maxBufferedBytes: options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES,
    inboundBytesPerSecond: options.inboundBytesPerSecond ?? DEFAULT_INBOUND_BYTES_PER_SECOND,
    inboundBurstBytes: options.inboundBurstBytes ?? DEFAULT_INBOUND_BURST_BYTES,
  });
  const engines: EngineRegistry = options.engines ?? ENGINE_ADAPTERS;
  const sweep = new IdleSweep(
    options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    options.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS,
  );
  const classifyOptions = {
    paths: options.paths,
    isOriginAllowed: options.originPolicy ?? createOriginPolicy(),
    engines,
    trustProxy: options.trustProxy,
  };
  // Every socket until its handshake is done: one queue, one timer (deadline-queue.ts). A
  // keep-alive socket between requests waits in a queue of its own, with Node's keep-alive
  // time on top: Node closes it when idle, and this queue only if slow headers keep it open.
  const handshakes = new DeadlineQueue<Duplex>(handshakeTimeoutMs, (socket) => {
    destroySocketNow(socket as Socket);
    fail(socket, 'handshake_timeout', requests.get(socket));
  });
  let keptAlive: DeadlineQueue<Duplex> | undefined;
  // The request of a socket armed by `handleUpgrade` alone (the router not attached).
  const requests = new WeakMap<Duplex, IncomingMessage>();
  // Admitted sockets whose handshake is not finished: what `admit` is told as `pending`.
  const inFlight = new Set<Duplex>();
  // Once per socket: a handshake that times out is destroyed, and the engine then reports that
  // same socket's close as its own failure.
  const reported = new WeakSet<Duplex>();
  const fail = (
    socket: Duplex,
    failure: HandshakeFailure,
    request: IncomingMessage | undefined,
  ) => {
    if (reported.has(socket)) return;
    reported.add(socket);
    options.onFailure?.(failure, request);
  };

  // Whether `attach` runs: then every socket is armed, and listened to for its close, from its
  // `connection` event on.
  let attached = false;

  function arm(socket: Duplex, request?: IncomingMessage): void {
    if (handshakes.has(socket) || keptAlive?.has(socket)) return;
    handshakes.add(socket);
    if (request !== undefined) requests.set(socket, request);
    // Once per socket, known without a mark on it or a weak-collection entry for it (each entry
    // keyed by a young socket is an ephemeron that V8's write barrier and every scavenge must
    // handle; perf: `CombinedGenerationalAndSharedEphemeronBarrierSlow`): an attached router
    // listens from `connection` on, one that is only handed upgrades at the upgrade. `close`
    // comes once: `on` spares the wrapper `once` would make per socket.
    if (!attached || request === undefined) socket.on('close', disarmOnClose);
  }

  // A socket between keep-alive requests: armed at its `connection` already, so listened to.
  function armKeptAlive(socket: Duplex, idleMs: number): void {
    keptAlive ??= new DeadlineQueue<Duplex>(idleMs + handshakeTimeoutMs, (idle) =>
      destroySocketNow(idle as Socket),
    );
    keptAlive.add(socket);
  }

  // One listener for every socket, not a closure each.
  function disarmOnClose(this: Duplex): void {
    disarm(this);
  }

  function disarm(socket: Duplex): void {
    handshakes.delete(socket);
    keptAlive?.delete(socket);
    inFlight.delete(socket);
  }

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    arm(socket, request);
    const decision = classifyUpgrade(
      {
        method: request.method,
        url: request.url,
        httpVersion: request.httpVersion,
        headers: request.headers,
        // A system call (getpeername) per handshake: read only when a trusted proxy makes it
        // decide something. Otherwise the connection reads it from the socket when asked.
        peerAddress: options.trustProxy === undefined ? undefined : request.socket.remoteAddress,
      },
      classifyOptions,
    );
    if (!decision.accept) {
      disarm(socket);
      abortHandshake(socket, decision.status, decision.message, decision.headers);
      fail(socket, decision.reason, request);
      return;
    }
    if (options.admit !== undefined && !options.admit(inFlight.size, request)) {
      disarm(socket);
      abortHandshake(socket, 503, 'Server full, try again later.');
      fail(socket, 'capacity', request);
      return;
    }
    inFlight.add(socket);
    const tcp = socket as Socket;
    const outbox = guardSocket(tcp, limits.closeTimeoutMs);
    const adapter = engines[decision.engine];
    try {
      if (adapter === undefined) throw new Error(`No engine ${decision.engine}.`);
      adapter.accept(
        { request, socket: tcp, head, decision, limits, outbox, sweep },
        {
          onOpen(connection) {
            disarm(socket);
            options.onConnection(connection, request);
          },
          onFail() {
            disarm(socket);
            destroySocketNow(tcp);
            fail(socket, 'engine_error', request);
          },
        },
      );
    } catch {
      disarm(socket);
      abortHandshake(socket, 400, 'Bad WebSocket handshake.');
      fail(socket, 'engine_error', request);
    }
  }

  return {
    handleUpgrade,
    attach(server) {
      attached = true;
      server.on('connection', (socket: Socket) => arm(socket));
      // A plain HTTP request is not a handshake: Node's own timeouts govern it until its
      // response is sent. Then a keep-alive socket may carry the next request, an upgrade among
      // them, and once its first bytes arrive Node checks slow headers only every 30 s (60 s
      // allowed): the timer runs again, for Node's keep-alive wait plus the handshake timeout.
      server.on('request', (request: IncomingMessage, response: ServerResponse) => {
        disarm(request.socket);
        response.once('finish', () => {
          if (!request.socket.destroyed) armKeptAlive(request.socket, server.keepAliveTimeout);
        });
      });
      server.on('upgrade', handleUpgrade);
    },
  };
}
