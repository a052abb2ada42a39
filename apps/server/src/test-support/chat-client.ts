/**
 * The test side's chat client: one client over any way the server is reached, built on the
 * router package's client kit (`connectClient`): the five protocols on `/ws`, and the relay on
 * `/relay` over RFC 6455, as a browser reaches it. Every client collects the parsed server
 * messages and reports how it was closed.
 */
import {
  connectClient,
  HYBI_OPCODES,
  type Protocol,
  type ProtocolClient,
} from '@draftbridge/protocol-router';
import { clientFrame, createWaitList } from '@draftbridge/protocol-router/testing';
import type { ServerMessage } from '@draftbridge/shared-types';

// How each relay kind asks for its leg: the drafts in the older `draft=` spelling.
const RELAY_QUERIES = {
  'relay-76': 'draft=76',
  'relay-75': 'draft=75',
  'relay-hybi-08': 'protocol=hybi-08',
  'relay-hybi-07': 'protocol=hybi-07',
} as const;

/** A way through `/relay`, by the protocol of its leg. */
export type RelayKind = keyof typeof RELAY_QUERIES;

/** The ways a test client can reach the server. */
export type ClientKind = Protocol | RelayKind;

function isRelayKind(kind: ClientKind): kind is RelayKind {
  return Object.hasOwn(RELAY_QUERIES, kind);
}

/** How a test client saw its connection end. */
export interface ClientClose {
  /** The close code (1000 for a clean hixie close, 1006 for an abrupt one). */
  readonly code: number;
  /** False when the connection ended without a completed close (code 1006). */
  readonly clean: boolean;
}

/** A connected test client. */
export interface ChatTestClient {
  readonly kind: ClientKind;
  /** Every server message received, parsed, in order. */
  readonly messages: ServerMessage[];
  /** Sends one object as JSON (or a raw string). */
  send(message: object | string): void;
  /** Sends a binary frame where the protocol has one. */
  sendBinary(data: Buffer): void;
  /** Resolves with the first message (at or after `from`) matching `predicate`. */
  waitFor<T extends ServerMessage>(
    predicate: (m: ServerMessage) => m is T,
    timeoutMs?: number,
  ): Promise<T>;
  waitFor(predicate: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  /** Resolves when the connection is closed. */
  readonly closed: Promise<ClientClose>;
  close(): void;
  /** Stops reading from the socket (a slow reader). */
  pause(): void;
}

// A welcome can carry the room's whole history: far past what a client may send.
const MAX_RECEIVE_BYTES = 0x1000000;

function collect(kind: ClientKind, client: ProtocolClient): ChatTestClient {
  const messages: ServerMessage[] = [];
  const waiters = createWaitList();
  const closed = new Promise<ClientClose>((resolve) =>
    client.on('close', (code) => resolve({ code, clean: code !== 1006 })),
  );
  client.on('error', () => {});
  client.on('message', (text) => {
    messages.push(JSON.parse(text) as ServerMessage);
    waiters.notify();
  });
  return {
    kind,
    messages,
    send: (message) => client.send(typeof message === 'string' ? message : JSON.stringify(message)),
    sendBinary: (data) => {
      if (client.protocol.startsWith('hixie')) throw new Error('the drafts have no binary frames');
      // The kit speaks text only; a binary frame goes straight onto the socket, whole.
      client.socket.write(clientFrame(HYBI_OPCODES.binary, data));
    },
    closed,
    close: () => client.close(),
    pause: () => client.socket.pause(),
    waitFor: ((predicate: (m: ServerMessage) => boolean, timeoutMs = 5000) =>
      waiters.until(
        () => messages.find(predicate),
        timeoutMs,
        () => {
          const seen = messages.slice(-5).map((m) => ('seq' in m ? `${m.type}#${m.seq}` : m.type));
          return `${kind}: no match in ${timeoutMs} ms; ${messages.length} received, last: ${seen.join(', ')}`;
        },
      )) as ChatTestClient['waitFor'],
  };
}

/**
 * Connects a test client of `kind` to the server at `base` (`ws://127.0.0.1:PORT`, or `wss:`
 * with the certificate to trust in `ca`), sending `origin` as a page would.
 */
export async function connectChatClient(
  kind: ClientKind,
  base: string,
  options: { trace?: boolean; path?: string; origin?: string; ca?: string } = {},
): Promise<ChatTestClient> {
  const url = isRelayKind(kind)
    ? `${base}/relay?${RELAY_QUERIES[kind]}${options.trace ? '&trace=1' : ''}`
    : `${base}${options.path ?? '/ws'}`;
  const client = await connectClient({
    protocol: isRelayKind(kind) ? 'rfc6455' : kind,
    url,
    maxMessageBytes: MAX_RECEIVE_BYTES,
    ...(options.origin === undefined ? {} : { origin: options.origin }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });
  return collect(kind, client);
}

/** Type guard helpers for waitFor. */
export const isType =
  <K extends ServerMessage['type']>(type: K) =>
  (m: ServerMessage): m is Extract<ServerMessage, { type: K }> =>
    m.type === type;
