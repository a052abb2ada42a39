/**
 * One tab's connection to one room, as a small state machine kept apart from React:
 *
 *   connecting --welcome--> live --close--> reconnecting --(backoff elapsed)--> connecting
 *        any --browser offline--> offline --browser online--> connecting
 *        connecting --join refused (invalid_room / invalid_nick)--> offline
 *
 * Nothing typed is lost across a drop or a switch of path: each `say` stays pending until the
 * server echoes it, and after every `welcome` the pending ones are sent again with the same id,
 * which the server dedupes per `(client, id)`. The `join` carries `since` (the last seq seen),
 * so the `welcome` history holds exactly what was missed (docs/PROTOCOL.md, "Guarantees"). The
 * hixie drafts have no ping frames, so liveness is a JSON `ping` every 20 s.
 */
import {
  decodeServerMessage,
  type ErrorMessage,
  type ServerMessage,
} from '@draftbridge/shared-types';
import { computeReconnectDelay } from './backoff.js';
import type { ChatPath } from './chat-path.js';
import {
  addPending,
  applyChatMessage,
  applyPresence,
  applyWelcome,
  type ChatState,
  createChatState,
} from './chat-state.js';
import { PING_INTERVAL_MS, PONG_TIMEOUT_MS, RATE_LIMIT_RESEND_DELAY_MS } from './constants.js';
import { decodeHandshake, type HandshakeTrace } from './handshake-trace.js';
import { createRandomId } from './ids.js';
import { ALWAYS_ONLINE, type NetworkMonitor } from './network.js';
import { NORMAL_CLOSURE, type SocketFactory, type SocketHandle } from './socket.js';
import { appendWireEntry, type WireEntry } from './wire-log.js';

/** The states of a connection. */
export const CONNECTION_STATUSES = ['connecting', 'live', 'reconnecting', 'offline'] as const;

/** One connection state. */
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** Why a connection is offline. */
export type OfflineReason = 'network' | 'rejected' | 'stopped';

/** Everything the page renders about a connection; a new object on every change. */
export interface ConnectionSnapshot {
  readonly status: ConnectionStatus;
  readonly path: ChatPath;
  /** Failed attempts since the last `welcome`. */
  readonly attempt: number;
  /** When the next attempt starts (while reconnecting), in `now()` milliseconds. */
  readonly retryAt: number | null;
  readonly offlineReason: OfflineReason | null;
  readonly chat: ChatState;
  readonly wire: readonly WireEntry[];
  /** The relay leg's latest opening handshake (with `trace`); null on the direct path. */
  readonly handshake: HandshakeTrace | null;
  /** The last `error` the server sent, until the next `welcome`. */
  readonly error: Pick<ErrorMessage, 'code' | 'message'> | null;
  /** Frames that failed validation against the contract. */
  readonly invalidFrames: number;
}

/** What a connection needs. */
export interface ChatConnectionOptions {
  readonly room: string;
  readonly nick: string;
  readonly clientId: string;
  readonly path: ChatPath;
  readonly createSocket: SocketFactory;
  readonly urlFor: (path: ChatPath) => string;
  readonly network?: NetworkMonitor;
  readonly random?: () => number;
  readonly now?: () => number;
}

/** A running connection. */
export interface ChatConnection {
  getSnapshot(): ConnectionSnapshot;
  /** Calls `listener` after each change; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
  /** Opens the first socket (or waits for the network). */
  start(): void;
  /** Queues a `say` and sends it when live; returns its id. */
  say(text: string): string;
  /** Moves to another path now, rejoining with `since`; pending messages follow. */
  setPath(path: ChatPath): void;
  /** Skips the rest of a reconnect countdown. */
  retryNow(): void;
  /** Closes for good. */
  stop(): void;
}

// A join refused for these reasons would be refused again: retrying is pointless.
const FATAL_JOIN_ERRORS: ReadonlySet<string> = new Set(['invalid_room', 'invalid_nick']);

// Errors after which pending messages are sent again: too fast, or the hub could not take
// them (Redis down). Neither was broadcast; the server dedupes a resend that races one.
const RESEND_AFTER_ERRORS: ReadonlySet<string> = new Set(['rate_limited', 'unavailable']);

/** The snapshot of a connection before its first attempt: connecting on `path`, nothing seen. */
export function createInitialSnapshot(path: ChatPath): ConnectionSnapshot {
  return {
    status: 'connecting',
    path,
    attempt: 0,
    retryAt: null,
    offlineReason: null,
    chat: createChatState(),
    wire: [],
    handshake: null,
    error: null,
    invalidFrames: 0,
  };
}

/** Builds a connection; nothing happens until `start()`. */
export function createChatConnection(options: ChatConnectionOptions): ChatConnection {
  const now = options.now ?? Date.now;
  const network = options.network ?? ALWAYS_ONLINE;
  const listeners = new Set<() => void>();
  let snapshot = createInitialSnapshot(options.path);
  let socket: SocketHandle | null = null;
  let joined = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let pingTimer: ReturnType<typeof setInterval> | undefined;
  let pongTimer: ReturnType<typeof setTimeout> | undefined;
  let resendTimer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribeNetwork: (() => void) | null = null;

  const update = (patch: Partial<ConnectionSnapshot>) => {
    snapshot = { ...snapshot, ...patch };
    for (const listener of listeners) listener();
  };

  const send = (message: object) => {
    socket?.send(JSON.stringify(message));
  };

  const clearTimers = () => {
    clearTimeout(retryTimer);
    clearInterval(pingTimer);
    clearTimeout(pongTimer);
    clearTimeout(resendTimer);
    retryTimer = pingTimer = pongTimer = resendTimer = undefined;
  };

  const dropSocket = () => {
    clearTimers();
    socket?.close(NORMAL_CLOSURE, 'client closing');
    socket = null;
    joined = false;
  };

  const sendPending = () => {
    if (!joined) return;
    for (const pending of snapshot.chat.pending) {
      send({ type: 'say', id: pending.id, text: pending.text });
    }
  };

  const sendPing = () => {
    send({ type: 'ping', t: now() });
    clearTimeout(pongTimer);
    pongTimer = setTimeout(onSocketLost, PONG_TIMEOUT_MS);
  };

  const onError = (error: ErrorMessage) => {
    update({ error: { code: error.code, message: error.message } });
    if (!joined && FATAL_JOIN_ERRORS.has(error.code)) {
      dropSocket();
      update({ status: 'offline', offlineReason: 'rejected', retryAt: null });
      return;
    }
    // Neither was broadcast: the message stays pending and goes again with the same id.
    if (RESEND_AFTER_ERRORS.has(error.code)) {
      clearTimeout(resendTimer);
      resendTimer = setTimeout(sendPending, RATE_LIMIT_RESEND_DELAY_MS);
    }
  };

  const onServerMessage = (message: ServerMessage) => {
    switch (message.type) {
      case 'welcome':
        joined = true;
        update({
          status: 'live',
          attempt: 0,
          retryAt: null,
          error: null,
          chat: applyWelcome(snapshot.chat, message, options.clientId),
        });
        sendPending();
        return;
      case 'message':
        update({ chat: applyChatMessage(snapshot.chat, message, options.clientId) });
        return;
      case 'presence':
        update({ chat: applyPresence(snapshot.chat, message, now()) });
        return;
      case 'pong':
        clearTimeout(pongTimer);
        return;
      case 'wire':
        update({ wire: appendWireEntry(snapshot.wire, message, now()) });
        return;
      case 'handshake':
        update({ handshake: decodeHandshake(message) });
        return;
      case 'error':
        onError(message);
        return;
    }
  };

  const onText = (text: string) => {
    const decoded = decodeServerMessage(text);
    if (decoded.ok) onServerMessage(decoded.message);
    else update({ invalidFrames: snapshot.invalidFrames + 1 });
  };

  const connect = () => {
    dropSocket();
    // A new socket, a new handshake: the relay sends its leg's again.
    update({ status: 'connecting', retryAt: null, offlineReason: null, handshake: null });
    // Events from a socket that has since been replaced are ignored.
    let opened: SocketHandle | null = null;
    const handlers = {
      onOpen: () => {
        if (socket !== opened) return;
        const since = snapshot.chat.lastSeq;
        send({
          type: 'join',
          room: options.room,
          nick: options.nick,
          client: options.clientId,
          ...(since === null ? {} : { since }),
        });
        pingTimer = setInterval(sendPing, PING_INTERVAL_MS);
      },
      onText: (text: string) => {
        if (socket === opened) onText(text);
      },
      onClose: () => {
        if (socket === opened) onSocketLost();
      },
    };
    opened = options.createSocket(options.urlFor(snapshot.path), handlers);
    socket = opened;
  };

  function onSocketLost() {
    dropSocket();
    if (snapshot.status === 'offline') return;
    const attempt = snapshot.attempt + 1;
    const delay = computeReconnectDelay(attempt, options.random);
    update({ status: 'reconnecting', attempt, retryAt: now() + delay });
    retryTimer = setTimeout(connect, delay);
  }

  const goOffline = (reason: OfflineReason) => {
    dropSocket();
    update({ status: 'offline', offlineReason: reason, retryAt: null });
  };

  return {
    getSnapshot: () => snapshot,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start() {
      unsubscribeNetwork ??= network.subscribe((online) => {
        if (snapshot.offlineReason === 'stopped' || snapshot.offlineReason === 'rejected') return;
        if (!online) goOffline('network');
        else if (snapshot.status === 'offline') connect();
      });
      if (network.isOnline()) connect();
      else goOffline('network');
    },
    say(text) {
      const id = createRandomId('m-');
      update({ chat: addPending(snapshot.chat, { id, text, createdAt: now() }) });
      if (joined) send({ type: 'say', id, text });
      return id;
    },
    setPath(path) {
      update({ path, attempt: 0 });
      if (snapshot.offlineReason === 'stopped') return;
      if (snapshot.status === 'offline' && !network.isOnline()) return;
      connect();
    },
    retryNow() {
      if (snapshot.status === 'reconnecting') connect();
    },
    stop() {
      unsubscribeNetwork?.();
      unsubscribeNetwork = null;
      goOffline('stopped');
    },
  };
}
