/**
 * One chat session per connection: turns frames into hub calls and hub deliveries into frames
 * (docs/PROTOCOL.md, "Messages", "Limits and defaults", "Guarantees").
 *
 * - Every incoming frame, text or binary, valid or not, takes a token from the connection's
 *   bucket first; a frame over the limit is dropped. Drops are counted in a window
 *   (`rateDropWindowMs`): the configured number of drops within it (default 200 in 10 s)
 *   closes the connection with 1008, however the drops are spread, so a flood that lets one
 *   message through now and then is closed all the same. The sender hears `rate_limited` once
 *   per second at most, not once per dropped frame: the answer must not cost more than the flood.
 * - Every other refused message is answered with an `error` and the connection stays open.
 * - A connection has `joinTimeoutMs` to send its `join`; then it is closed with 1008. Pings
 *   alone do not keep a connection that never joins.
 * - Hub calls are chained per connection, so `join`, each `say` and the final `leave` reach the
 *   hub in the order the client sent them even when the hub is remote and slow.
 * - Slow readers are the router's: every connection's backlog is bounded there, the pongs,
 *   errors and welcomes a session sends included, and an overflow destroys the socket. The
 *   session hears `overflow`, counts it and leaves the room at once.
 * - A session that stops itself (flood, join timeout, slow reader, hub failure) takes its
 *   member out of the room at once; otherwise the member leaves when the connection closes.
 * - A hub that cannot take a `say` for now (the Redis hub with Redis down) rejects it with an
 *   error whose `code` is a wire error code (`unavailable`, `room_full`): the sender gets that
 *   `error` and the connection stays open. Any other hub failure closes the connection with 1011.
 * The oversized-frame close (1009, or the draft closing handshake) happens in the engines.
 */
import { randomUUID } from 'node:crypto';
import { CLOSE_CODES, type Connection } from '@draftbridge/protocol-router';
import {
  type ClientMessage,
  DEFAULT_JOIN_TIMEOUT_MS,
  DEFAULT_RATE_BURST,
  DEFAULT_RATE_DROP_WINDOW_MS,
  DEFAULT_RATE_DROPS_BEFORE_CLOSE,
  DEFAULT_RATE_PER_SECOND,
  decodeClientMessage,
  type ErrorCode,
  isErrorCode,
  type Member,
  RATE_LIMITED_ERROR_INTERVAL_MS,
} from '@draftbridge/shared-types';
import { createLogger, type Logger } from '../logger.js';
import { type Metrics, seriesOf } from '../metrics.js';
import type { Delivery, Hub, RoomMember } from './hub.js';
import { createRateLimiter } from './rate-limiter.js';
import { serializeError, serializePong } from './serialize.js';

/** The per-connection limits a session enforces. */
export interface ChatLimits {
  /** Sustained messages a second. */
  readonly ratePerSecond: number;
  /** Burst of the token bucket. */
  readonly rateBurst: number;
  /** Messages dropped for rate within `rateDropWindowMs` that close the connection with 1008. */
  readonly rateDropsBeforeClose: number;
  /** The window in which drops are counted, in ms. */
  readonly rateDropWindowMs: number;
  /** Time from open to `join` before the connection is closed with 1008, in ms. */
  readonly joinTimeoutMs: number;
}

/** The contract's defaults for ChatLimits. */
export const DEFAULT_CHAT_LIMITS: ChatLimits = Object.freeze({
  ratePerSecond: DEFAULT_RATE_PER_SECOND,
  rateBurst: DEFAULT_RATE_BURST,
  rateDropsBeforeClose: DEFAULT_RATE_DROPS_BEFORE_CLOSE,
  rateDropWindowMs: DEFAULT_RATE_DROP_WINDOW_MS,
  joinTimeoutMs: DEFAULT_JOIN_TIMEOUT_MS,
});

/** What a session needs. */
export interface ChatSessionOptions {
  /** The connection to drive; the session attaches its listeners at once. */
  readonly connection: Connection;
  /** The hub that holds the rooms. */
  readonly hub: Hub;
  /** Limits; missing ones take DEFAULT_CHAT_LIMITS. */
  readonly limits?: Partial<ChatLimits>;
  /** True only when the server's own relay opened this connection; marks the member `relay`. */
  readonly relay: boolean;
  /** Where the session counts messages, errors, rate-limited frames and slow readers. */
  readonly metrics?: Metrics;
  /** Where the session logs; silent when absent. */
  readonly logger?: Logger;
  /** Makes the member id, unique per connection (default: a random UUID). */
  readonly createMemberId?: () => string;
  /** Monotonic clock in ms for the rate limit and its windows (default `performance.now`). */
  readonly clock?: () => number;
}

/** A running session. */
export interface ChatSession {
  /** The member once the connection has sent a valid `join`. */
  readonly member: Member | undefined;
  /** The room once joined. */
  readonly room: string | undefined;
  /** Resolves when every hub call queued so far has finished (for tests and shutdown). */
  settled(): Promise<void>;
}

type CloseReason = 'flood' | 'join-timeout' | 'slow-reader' | 'hub-failure';

let silentLogger: Logger | undefined;

// Limits are the same for most sessions of a server: resolved once per object given.
const resolvedLimits = new WeakMap<Partial<ChatLimits>, ChatLimits>();

function withDefaults(limits: Partial<ChatLimits> | undefined): ChatLimits {
  if (limits === undefined) return DEFAULT_CHAT_LIMITS;
  let resolved = resolvedLimits.get(limits);
  if (resolved === undefined) {
    const defined = Object.entries(limits).filter(([, value]) => value !== undefined);
    resolved = { ...DEFAULT_CHAT_LIMITS, ...Object.fromEntries(defined) } as ChatLimits;
    resolvedLimits.set(limits, resolved);
  }
  return resolved;
}

/** Starts a chat session on `connection`. */
export function createChatSession(options: ChatSessionOptions): ChatSession {
  const { connection, hub } = options;
  const limits = withDefaults(options.limits);
  const { protocol, engine } = connection;
  silentLogger ??= createLogger('silent');
  // No child logger per connection: its bindings cost memory and time on every handshake.
  const logger = options.logger ?? silentLogger;
  const metrics = options.metrics;
  const series = metrics === undefined ? undefined : seriesOf(metrics, protocol);
  const clock = options.clock ?? (() => performance.now());
  const limiter = createRateLimiter(
    { ratePerSecond: limits.ratePerSecond, burst: limits.rateBurst },
    clock,
  );

  let joined: { readonly room: string; readonly roomMember: RoomMember } | undefined;
  let closing = false;
  let left = false;
  let dropWindowStart = 0;
  let dropsInWindow = 0;
  let lastRateError = Number.NEGATIVE_INFINITY;
  let sentThisTurn = 0;
  let queue: Promise<void> = Promise.resolve();
  let joinTimer: NodeJS.Timeout | undefined = setTimeout(
    () => stop('join-timeout'),
    limits.joinTimeoutMs,
  );
  joinTimer.unref();
  // Cleared and let go: a joined connection keeps no timer for its whole life.
  const endJoinTimer = () => {
    clearTimeout(joinTimer);
    joinTimer = undefined;
  };

  const where = () => ({ protocol, engine, member: joined?.roomMember.member.id });

  // The member leaves as soon as the session stops, not when the engine finally reports the
  // close: a peer that never answers the closing handshake must not linger in the room.
  const leaveRoom = () => {
    const current = joined;
    if (current === undefined || left) return;
    left = true;
    enqueue(() => hub.leave(current.roomMember, current.room));
  };

  const stop = (reason: CloseReason) => {
    if (closing) return;
    closing = true;
    endJoinTimer();
    leaveRoom();
    logger.warn({ ...where(), reason }, 'closing connection');
    if (reason === 'flood') {
      connection.close(CLOSE_CODES.policyViolation, 'rate limit exceeded');
    } else if (reason === 'join-timeout') {
      connection.close(CLOSE_CODES.policyViolation, 'join timeout');
    } else if (reason === 'hub-failure') {
      connection.close(CLOSE_CODES.internalError, 'internal error');
    }
    // A slow reader's socket is destroyed by the router already.
  };

  const send = (message: Delivery['message'] | string) => {
    if (closing) return;
    if (connection.send(message)) sentThisTurn += 1;
  };

  const sendError = (code: ErrorCode, detail?: string) => {
    metrics?.errorsSent.inc({ code });
    logger.debug({ ...where(), code, detail }, 'error sent');
    send(serializeError(code, detail));
  };

  // The hub's way of refusing one call without failing the session.
  const onRefused = (error: unknown) => {
    const code: unknown = error instanceof Error && 'code' in error ? error.code : undefined;
    if (typeof code !== 'string' || !isErrorCode(code)) throw error;
    logger.warn({ ...where(), err: error }, 'refused by the hub');
    sendError(code);
  };

  const enqueue = (call: () => Promise<void>) => {
    queue = queue.then(call).catch((error: unknown) => {
      logger.error({ ...where(), err: error }, 'hub call failed');
      stop('hub-failure');
    });
  };

  /** Takes a token for an incoming frame; false when the frame must be dropped. */
  const admit = (): boolean => {
    series?.messagesIn.inc();
    if (closing) return false;
    if (limiter.take()) return true;
    const now = clock();
    if (now - dropWindowStart > limits.rateDropWindowMs) {
      dropWindowStart = now;
      dropsInWindow = 0;
    }
    dropsInWindow += 1;
    series?.rateLimited.inc();
    if (dropsInWindow >= limits.rateDropsBeforeClose) {
      stop('flood');
    } else if (now - lastRateError >= RATE_LIMITED_ERROR_INTERVAL_MS) {
      lastRateError = now;
      sendError('rate_limited');
    }
    return false;
  };

  const onJoin = (message: Extract<ClientMessage, { type: 'join' }>) => {
    if (joined !== undefined) {
      sendError('already_joined');
      return;
    }
    const member: Member = {
      id: (options.createMemberId ?? randomUUID)(),
      nick: message.nick,
      protocol,
      engine: engine as Member['engine'],
      ...(options.relay ? { relay: true as const } : {}),
    };
    const roomMember: RoomMember = {
      member,
      client: message.client,
      deliver(delivery) {
        send(delivery.message);
      },
    };
    const attempt = { room: message.room, roomMember };
    joined = attempt;
    endJoinTimer();
    logger.debug({ ...where(), room: message.room, since: message.since }, 'join');
    enqueue(() =>
      hub.join(roomMember, message.room, message.since).catch((error: unknown) => {
        // A refused join (a full room) leaves the connection free to join elsewhere.
        if (joined === attempt) joined = undefined;
        onRefused(error);
      }),
    );
  };

  const onMessage = (message: ClientMessage) => {
    switch (message.type) {
      case 'ping':
        send(serializePong(message.t));
        return;
      case 'join':
        onJoin(message);
        return;
      case 'say': {
        const current = joined;
        if (current === undefined) {
          sendError('not_joined');
          return;
        }
        enqueue(() =>
          hub.say(current.roomMember, current.room, message.id, message.text).catch(onRefused),
        );
        return;
      }
      case 'history': {
        const current = joined;
        if (current === undefined) {
          sendError('not_joined');
          return;
        }
        enqueue(() =>
          hub.history(current.roomMember, current.room, message.before).catch(onRefused),
        );
        return;
      }
    }
  };

  connection.on('text', (text) => {
    if (!admit()) return;
    const decoded = decodeClientMessage(text);
    if (decoded.ok) onMessage(decoded.message);
    else sendError(decoded.code, decoded.detail);
  });

  connection.on('binary', () => {
    if (admit()) sendError('binary_unsupported');
  });

  connection.on('error', (error) => {
    // The engine closes the connection after an error; the `close` handler does the rest.
    logger.debug({ ...where(), err: error }, 'connection error');
  });

  // The end of a turn, after the router handed its frames to the socket: count them once.
  connection.on('flush', () => {
    if (sentThisTurn === 0) return;
    series?.messagesOut.inc(sentThisTurn);
    sentThisTurn = 0;
  });

  connection.on('overflow', (buffered) => {
    series?.slowReadersClosed.inc();
    logger.warn({ ...where(), buffered }, 'slow reader dropped');
    stop('slow-reader');
  });

  connection.once('close', () => {
    closing = true;
    endJoinTimer();
    leaveRoom();
  });

  return {
    get member() {
      return joined?.roomMember.member;
    },
    get room() {
      return joined?.room;
    },
    settled() {
      return queue;
    },
  };
}
