/**
 * One chat session per connection: turns frames into hub calls and hub deliveries into frames
 * (docs/PROTOCOL.md, "Messages", "Limits and defaults", "Guarantees").
 *
 * - Every incoming frame, text or binary, valid or not, takes a token from the connection's
 *   bucket first; a frame over the limit is dropped with `rate_limited`, and the configured
 *   number of drops in a row (default 200) closes the connection with 1008.
 * - Every refused message is answered with an `error` and the connection stays open.
 * - Hub calls are chained per connection, so `join`, each `say` and the final `leave` reach the
 *   hub in the order the client sent them even when the hub is remote and slow.
 * - Slow readers: after each send, if the connection's buffered amount passes the bound the
 *   socket is terminated at once rather than closed, because a close frame would only queue
 *   behind the backlog that the reader is not reading, and the point is to free that memory
 *   now. The client sees 1006. The bound is raised by the size of the `welcome` until the
 *   buffer first drains below the bound, so that a resume with a long history is not mistaken
 *   for a slow reader.
 * - A session that stops itself (flood, slow reader, hub failure) takes its member out of the
 *   room at once; otherwise the member leaves when the connection reports `close`.
 * - A hub that cannot take a `say` for now (the Redis hub with Redis down) rejects it with an
 *   error whose `code` is a wire error code (`unavailable`): the sender gets that `error`, the
 *   message is not acknowledged, and the connection stays open. Any other hub failure closes
 *   the connection with 1011.
 * The oversized-frame close (1009, or the draft closing handshake) happens in the engines.
 */
import { randomUUID } from 'node:crypto';
import { CLOSE_CODES, type Connection, PreparedMessage } from '@draftbridge/protocol-router';
import {
  type ClientMessage,
  DEFAULT_RATE_BURST,
  DEFAULT_RATE_DROPS_BEFORE_CLOSE,
  DEFAULT_RATE_PER_SECOND,
  decodeClientMessage,
  type ErrorCode,
  isErrorCode,
  type Member,
} from '@draftbridge/shared-types';
import { DEFAULT_SLOW_READER_BYTES } from '../constants.js';
import { createLogger, type Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Hub, OutboundMessage, RoomMember } from './hub.js';
import { createRateLimiter } from './rate-limiter.js';
import { serializeError, serializePong } from './serialize.js';

/** The per-connection limits a session enforces. */
export interface ChatLimits {
  /** Sustained messages a second. */
  readonly ratePerSecond: number;
  /** Burst of the token bucket. */
  readonly rateBurst: number;
  /** Messages dropped for rate in a row that close the connection with 1008. */
  readonly rateDropsBeforeClose: number;
  /** Buffered bytes past which the connection is dropped as a slow reader. */
  readonly slowReaderBytes: number;
}

/** The contract's defaults for ChatLimits. */
export const DEFAULT_CHAT_LIMITS: ChatLimits = Object.freeze({
  ratePerSecond: DEFAULT_RATE_PER_SECOND,
  rateBurst: DEFAULT_RATE_BURST,
  rateDropsBeforeClose: DEFAULT_RATE_DROPS_BEFORE_CLOSE,
  slowReaderBytes: DEFAULT_SLOW_READER_BYTES,
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
  /** Monotonic clock in ms for the rate limit (default `performance.now`). */
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

type CloseReason = 'flood' | 'slow-reader' | 'hub-failure';

let silentLogger: Logger | undefined;

function withDefaults(limits: Partial<ChatLimits> | undefined): ChatLimits {
  const defined = Object.entries(limits ?? {}).filter(([, value]) => value !== undefined);
  return { ...DEFAULT_CHAT_LIMITS, ...Object.fromEntries(defined) };
}

/** Starts a chat session on `connection`. */
export function createChatSession(options: ChatSessionOptions): ChatSession {
  const { connection, hub } = options;
  const limits = withDefaults(options.limits);
  const { protocol, engine } = connection;
  silentLogger ??= createLogger('silent');
  // No child logger per connection: its bindings cost memory and time on every handshake.
  const logger = options.logger ?? silentLogger;
  const where = { protocol, engine };
  const metrics = options.metrics;
  const messagesIn = metrics?.messagesIn.labels({ protocol });
  const messagesOut = metrics?.messagesOut.labels({ protocol });
  const limiter = createRateLimiter(
    { ratePerSecond: limits.ratePerSecond, burst: limits.rateBurst },
    options.clock,
  );

  let joined: { readonly room: string; readonly roomMember: RoomMember } | undefined;
  let closing = false;
  let left = false;
  let dropsInRow = 0;
  let awaitingWelcome = false;
  let welcomeAllowance = 0;
  let queue: Promise<void> = Promise.resolve();

  // The member leaves as soon as the session stops, not when the engine finally reports the
  // close: a peer that never answers the closing handshake must not linger in the room.
  function leaveRoom() {
    const current = joined;
    if (current === undefined || left) return;
    left = true;
    enqueue(() => hub.leave(current.roomMember, current.room));
  }

  function stop(reason: CloseReason) {
    if (closing) return;
    closing = true;
    leaveRoom();
    logger.warn({ ...where, member: joined?.roomMember.member.id, reason }, 'closing connection');
    if (reason === 'flood') {
      connection.close(CLOSE_CODES.policyViolation, 'rate limit exceeded');
    } else if (reason === 'slow-reader') {
      metrics?.slowReadersClosed.inc({ protocol });
      connection.terminate();
    } else {
      connection.close(CLOSE_CODES.internalError, 'internal error');
    }
  }

  function checkBacklog() {
    const buffered = connection.bufferedAmount;
    if (buffered <= limits.slowReaderBytes) {
      welcomeAllowance = 0;
    } else if (buffered > limits.slowReaderBytes + welcomeAllowance) {
      stop('slow-reader');
    }
  }

  // Once per turn, after the router has written the turn's frames (both use setImmediate,
  // first come first served, and the router's comes first): count what was sent and look at
  // the backlog the kernel did not take. Per message, both would cost more than the write.
  let sentThisTurn = 0;
  let turnScheduled = false;
  function settleTurn() {
    turnScheduled = false;
    if (sentThisTurn > 0) messagesOut?.inc(sentThisTurn);
    sentThisTurn = 0;
    if (!closing) checkBacklog();
  }

  function send(message: OutboundMessage | string, isWelcome = false) {
    if (closing) return;
    // A PreparedMessage carries frames shared by every recipient; anything else goes as text.
    const payload =
      typeof message === 'string' || message instanceof PreparedMessage ? message : message.text;
    if (!connection.send(payload)) return;
    sentThisTurn += 1;
    if (isWelcome) {
      welcomeAllowance =
        typeof payload === 'string' ? Buffer.byteLength(payload) : payload.payload.length;
    }
    if (!turnScheduled) {
      turnScheduled = true;
      setImmediate(settleTurn);
    }
  }

  function sendError(code: ErrorCode, detail?: string) {
    metrics?.errorsSent.inc({ code });
    logger.debug({ ...where, member: joined?.roomMember.member.id, code, detail }, 'error sent');
    send(serializeError(code, detail));
  }

  // The hub's way of refusing one `say` without failing the session.
  function onSayRefused(error: unknown) {
    const code: unknown = error instanceof Error && 'code' in error ? error.code : undefined;
    if (typeof code !== 'string' || !isErrorCode(code)) throw error;
    logger.warn(
      { ...where, err: error, member: joined?.roomMember.member.id },
      'say refused by the hub',
    );
    sendError(code);
  }

  function enqueue(call: () => Promise<void>) {
    queue = queue.then(call).catch((error: unknown) => {
      logger.error(
        { ...where, err: error, member: joined?.roomMember.member.id },
        'hub call failed',
      );
      stop('hub-failure');
    });
  }

  /** Takes a token for an incoming frame; false when the frame must be dropped. */
  function admit(): boolean {
    messagesIn?.inc();
    if (closing) return false;
    if (limiter.take()) {
      dropsInRow = 0;
      return true;
    }
    dropsInRow += 1;
    metrics?.rateLimited.inc({ protocol });
    if (dropsInRow >= limits.rateDropsBeforeClose) stop('flood');
    else sendError('rate_limited');
    return false;
  }

  function onJoin(message: Extract<ClientMessage, { type: 'join' }>) {
    if (joined !== undefined) {
      sendError('already_joined');
      return;
    }
    const member: Member = {
      id: (options.createMemberId ?? randomUUID)(),
      nick: message.nick,
      protocol,
      engine,
      ...(options.relay ? { relay: true as const } : {}),
    };
    const roomMember: RoomMember = {
      member,
      client: message.client,
      deliver(outbound) {
        const isWelcome = awaitingWelcome;
        awaitingWelcome = false;
        send(outbound, isWelcome);
      },
    };
    joined = { room: message.room, roomMember };
    awaitingWelcome = true;
    logger.debug({ ...where, member: member.id, room: message.room, since: message.since }, 'join');
    enqueue(() => hub.join(roomMember, message.room, message.since));
  }

  function onMessage(message: ClientMessage) {
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
          hub.say(current.roomMember, current.room, message.id, message.text).catch(onSayRefused),
        );
        return;
      }
    }
  }

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
    logger.debug(
      { ...where, err: error, member: joined?.roomMember.member.id },
      'connection error',
    );
  });

  connection.once('close', () => {
    closing = true;
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
