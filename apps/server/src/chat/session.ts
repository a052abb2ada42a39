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
 *
 * Memory: a server holds tens of thousands of these, most of them idle. So a session is one
 * object with its methods on the prototype, its listeners are functions shared by every
 * session (they find theirs through a symbol on the connection), and the join timeout of every
 * session waiting for its join is one timer (the router's DeadlineQueue): an idle session costs
 * its fields, no closures.
 */
import { randomUUID } from 'node:crypto';
import {
  CLOSE_CODES,
  type Connection,
  DeadlineQueue,
  inputClock,
  type PreparedBatch,
} from '@draftbridge/protocol-router';
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
import { type Metrics, type ProtocolSeries, seriesOf } from '../metrics.js';
import type { Delivery, Hub, RoomMember } from './hub.js';
import { RateLimiter } from './rate-limiter.js';
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
  /**
   * Monotonic clock in ms for the rate limit and its windows (default the router's
   * `inputClock`: a message's time is its input share's).
   */
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

// One queue per join timeout: every session in it waits the same time, so it is in due order.
const joinDeadlines = new Map<number, DeadlineQueue<Session>>();

function deadlinesFor(timeoutMs: number): DeadlineQueue<Session> {
  let deadlines = joinDeadlines.get(timeoutMs);
  if (deadlines === undefined) {
    deadlines = new DeadlineQueue(timeoutMs, (session) => session.joinTimedOut());
    joinDeadlines.set(timeoutMs, deadlines);
  }
  return deadlines;
}

/** A joined session's place in its room: what the hub holds and delivers to. */
class SessionMember implements RoomMember {
  readonly member: Member;
  readonly client: string;
  readonly room: string;
  readonly #session: Session;

  constructor(session: Session, member: Member, client: string, room: string) {
    this.#session = session;
    this.member = member;
    this.client = client;
    this.room = room;
  }

  deliver(delivery: Delivery): void {
    this.#session.send(delivery.message);
  }

  deliverBatch(batch: PreparedBatch): void {
    this.#session.sendBatch(batch);
  }
}

// The session of each connection, for the listeners every session shares: a property of the
// connection, not a WeakMap entry. Every weak-collection entry keyed by a new object is an
// ephemeron that V8's write barrier and every scavenge must handle while the key is young
// (perf of a handshake: `CombinedGenerationalAndSharedEphemeronBarrierSlow`,
// `ClearOldEphemerons`). Cleared to undefined at close, not deleted: a `delete` would give
// every connection a dictionary of properties.
const kSession = Symbol('draftbridge.session');
type SessionOwner = Connection & { [kSession]?: Session | undefined };

class Session implements ChatSession {
  readonly #connection: Connection;
  readonly #hub: Hub;
  readonly #limits: ChatLimits;
  readonly #relay: boolean;
  readonly #logger: Logger;
  readonly #metrics: Metrics | undefined;
  readonly #series: ProtocolSeries | undefined;
  readonly #createMemberId: () => string;
  readonly #clock: () => number;
  readonly #limiter: RateLimiter;
  readonly #deadlines: DeadlineQueue<Session>;
  #joined: SessionMember | undefined;
  #waitingForJoin = true;
  #closing = false;
  #left = false;
  #dropWindowStart = 0;
  #dropsInWindow = 0;
  #lastRateError = Number.NEGATIVE_INFINITY;
  #queue: Promise<void> | undefined;

  constructor(options: ChatSessionOptions) {
    const { connection, metrics } = options;
    this.#connection = connection;
    this.#hub = options.hub;
    this.#limits = withDefaults(options.limits);
    this.#relay = options.relay;
    silentLogger ??= createLogger('silent');
    // No child logger per connection: its bindings cost memory and time on every handshake.
    this.#logger = options.logger ?? silentLogger;
    this.#metrics = metrics;
    this.#series = metrics === undefined ? undefined : seriesOf(metrics, connection.protocol);
    this.#createMemberId = options.createMemberId ?? randomUUID;
    this.#clock = options.clock ?? inputClock;
    this.#limiter = new RateLimiter(
      { ratePerSecond: this.#limits.ratePerSecond, burst: this.#limits.rateBurst },
      this.#clock,
    );
    this.#deadlines = deadlinesFor(this.#limits.joinTimeoutMs);
    this.#deadlines.add(this);
    (connection as SessionOwner)[kSession] = this;
    connection.on('text', onText);
    connection.on('binary', onBinary);
    connection.on('error', onError);
    connection.on('overflow', onOverflow);
    connection.on('close', onClose);
  }

  get member(): Member | undefined {
    return this.#joined?.member;
  }

  get room(): string | undefined {
    return this.#joined?.room;
  }

  settled(): Promise<void> {
    return this.#queue ?? Promise.resolve();
  }

  /** Deadline input: no `join` came in time. */
  joinTimedOut(): void {
    if (this.#waitingForJoin) this.#stop('join-timeout');
  }

  /** Sends unless the session is closing. */
  send(message: Delivery['message'] | string): void {
    if (this.#closing) return;
    if (this.#connection.send(message) && this.#series !== undefined) {
      this.#series.messages.out += 1;
    }
  }

  sendBatch(batch: PreparedBatch): void {
    if (this.#closing) return;
    if (this.#connection.sendBatch(batch) && this.#series !== undefined) {
      this.#series.messages.out += batch.messages.length;
    }
  }

  onText(text: string): void {
    if (!this.#admit()) return;
    const decoded = decodeClientMessage(text);
    if (decoded.ok) this.#onMessage(decoded.message);
    else this.#sendError(decoded.code, decoded.detail);
  }

  onBinary(): void {
    if (this.#admit()) this.#sendError('binary_unsupported');
  }

  onError(error: Error): void {
    // The engine closes the connection after an error; the `close` handler does the rest.
    this.#logger.debug({ ...this.#where(), err: error }, 'connection error');
  }

  onOverflow(buffered: number): void {
    this.#series?.slowReadersClosed.inc();
    this.#logger.warn({ ...this.#where(), buffered }, 'slow reader dropped');
    this.#stop('slow-reader');
  }

  onClose(): void {
    this.#closing = true;
    this.#endJoinWait();
    this.#leaveRoom();
    (this.#connection as SessionOwner)[kSession] = undefined;
  }

  #endJoinWait(): void {
    if (!this.#waitingForJoin) return;
    this.#waitingForJoin = false;
    this.#deadlines.delete(this);
  }

  #where() {
    const { protocol, engine } = this.#connection;
    return { protocol, engine, member: this.#joined?.member.id };
  }

  // The member leaves as soon as the session stops, not when the engine finally reports the
  // close: a peer that never answers the closing handshake must not linger in the room.
  #leaveRoom(): void {
    const current = this.#joined;
    if (current === undefined || this.#left) return;
    this.#left = true;
    this.#enqueue(() => this.#hub.leave(current, current.room));
  }

  #stop(reason: CloseReason): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#endJoinWait();
    this.#leaveRoom();
    this.#logger.warn({ ...this.#where(), reason }, 'closing connection');
    const connection = this.#connection;
    if (reason === 'flood') {
      connection.close(CLOSE_CODES.policyViolation, 'rate limit exceeded');
    } else if (reason === 'join-timeout') {
      connection.close(CLOSE_CODES.policyViolation, 'join timeout');
    } else if (reason === 'hub-failure') {
      connection.close(CLOSE_CODES.internalError, 'internal error');
    }
    // A slow reader's socket is destroyed by the router already.
  }

  #sendError(code: ErrorCode, detail?: string): void {
    this.#metrics?.errorsSent.inc({ code });
    this.#logger.debug({ ...this.#where(), code, detail }, 'error sent');
    this.send(serializeError(code, detail));
  }

  // The hub's way of refusing one call without failing the session.
  #onRefused(error: unknown): void {
    const code: unknown = error instanceof Error && 'code' in error ? error.code : undefined;
    if (typeof code !== 'string' || !isErrorCode(code)) throw error;
    this.#logger.warn({ ...this.#where(), err: error }, 'refused by the hub');
    this.#sendError(code);
  }

  // Hub calls run in order. With none waiting a call starts at once, and one the hub finishes
  // before it returns (the memory hub's `say`, the hot path of a burst) makes no promise at all;
  // a call that waits (Redis) holds the queue until it settles.
  #enqueue(call: () => Promise<void> | undefined): void {
    const waiting = this.#queue;
    if (waiting !== undefined) {
      this.#hold(waiting.then(call));
      return;
    }
    let running: Promise<void> | undefined;
    try {
      running = call();
    } catch (error) {
      this.#hubFailed(error);
      return;
    }
    if (running !== undefined) this.#hold(running);
  }

  #hold(running: Promise<void>): void {
    const settled: Promise<void> = running.then(
      () => {
        if (this.#queue === settled) this.#queue = undefined;
      },
      (error: unknown) => {
        if (this.#queue === settled) this.#queue = undefined;
        this.#hubFailed(error);
      },
    );
    this.#queue = settled;
  }

  #hubFailed(error: unknown): void {
    this.#logger.error({ ...this.#where(), err: error }, 'hub call failed');
    this.#stop('hub-failure');
  }

  /** Takes a token for an incoming frame; false when the frame must be dropped. */
  #admit(): boolean {
    if (this.#series !== undefined) this.#series.messages.in += 1;
    if (this.#closing) return false;
    if (this.#limiter.take()) return true;
    const limits = this.#limits;
    const now = this.#clock();
    if (now - this.#dropWindowStart > limits.rateDropWindowMs) {
      this.#dropWindowStart = now;
      this.#dropsInWindow = 0;
    }
    this.#dropsInWindow += 1;
    this.#series?.rateLimited.inc();
    if (this.#dropsInWindow >= limits.rateDropsBeforeClose) {
      this.#stop('flood');
    } else if (now - this.#lastRateError >= RATE_LIMITED_ERROR_INTERVAL_MS) {
      this.#lastRateError = now;
      this.#sendError('rate_limited');
    }
    return false;
  }

  #onJoin(message: Extract<ClientMessage, { type: 'join' }>): void {
    if (this.#joined !== undefined) {
      this.#sendError('already_joined');
      return;
    }
    const { protocol, engine } = this.#connection;
    const member: Member = {
      id: this.#createMemberId(),
      nick: message.nick,
      protocol,
      engine: engine as Member['engine'],
      ...(this.#relay ? { relay: true as const } : {}),
    };
    const attempt = new SessionMember(this, member, message.client, message.room);
    this.#joined = attempt;
    this.#endJoinWait();
    this.#logger.debug({ ...this.#where(), room: message.room, since: message.since }, 'join');
    this.#enqueue(() =>
      this.#hub.join(attempt, message.room, message.since).catch((error: unknown) => {
        // A refused join (a full room) leaves the connection free to join elsewhere.
        if (this.#joined === attempt) this.#joined = undefined;
        this.#onRefused(error);
      }),
    );
  }

  // A hub call on behalf of the joined member, in order; `not_joined` before a join.
  #asMember(call: (member: SessionMember) => Promise<void> | undefined): void {
    const current = this.#joined;
    if (current === undefined) {
      this.#sendError('not_joined');
      return;
    }
    this.#enqueue(() => call(current)?.catch((error: unknown) => this.#onRefused(error)));
  }

  // A burst's hot path: with no hub call waiting, a `say` is #enqueue's immediate case made
  // without its two closures (#asMember was 23 of 831 ms busy in a profile of 100 rooms x 10).
  #say(id: string, text: string): void {
    const current = this.#joined;
    if (current === undefined || this.#queue !== undefined) {
      this.#asMember((member) => this.#hub.say(member, member.room, id, text));
      return;
    }
    let running: Promise<void> | undefined;
    try {
      running = this.#hub.say(current, current.room, id, text);
    } catch (error) {
      this.#hubFailed(error);
      return;
    }
    if (running !== undefined)
      this.#hold(running.catch((error: unknown) => this.#onRefused(error)));
  }

  #onMessage(message: ClientMessage): void {
    switch (message.type) {
      case 'ping':
        this.send(serializePong(message.t));
        return;
      case 'join':
        this.#onJoin(message);
        return;
      case 'say':
        this.#say(message.id, message.text);
        return;
      case 'history':
        this.#asMember((member) => this.#hub.history(member, member.room, message.before));
        return;
    }
  }
}

// Listeners shared by every session: EventEmitter calls them with the connection as `this`.
function onText(this: SessionOwner, text: string): void {
  this[kSession]?.onText(text);
}

function onBinary(this: SessionOwner): void {
  this[kSession]?.onBinary();
}

function onError(this: SessionOwner, error: Error): void {
  this[kSession]?.onError(error);
}

function onOverflow(this: SessionOwner, buffered: number): void {
  this[kSession]?.onOverflow(buffered);
}

function onClose(this: SessionOwner): void {
  this[kSession]?.onClose();
}

/** Starts a chat session on `connection`. */
export function createChatSession(options: ChatSessionOptions): ChatSession {
  return new Session(options);
}
