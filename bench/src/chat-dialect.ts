/**
 * How the generator talks to a subject. The echo peers need nothing: every text frame is
 * re-sent to every connection. draftbridge, the same-work bound and naive `ws` speak the JSON
 * contract of docs/PROTOCOL.md: a connection joins a room first and waits for its `welcome`,
 * and a `say` is broadcast to every member (the sender included) as a `message` object.
 */

import { randomBytes } from 'node:crypto';
import type { BenchConnection } from './client/bench-connection.js';
import { BENCH_ROOM_PREFIX, HANDSHAKE_TIMEOUT_MS } from './constants.js';

/** The chat dialects of the subjects. */
export const DIALECT_KINDS = ['raw', 'chat'] as const;

/** One of the chat dialects. */
export type DialectKind = (typeof DIALECT_KINDS)[number];

/** What the generator needs to know to use a subject as a chat room. */
export interface ChatDialect {
  readonly kind: DialectKind;
  /** The WebSocket endpoint. */
  readonly path: string;
  /** Makes the connection a member of `room`; `name` is unique in the run. */
  join(connection: BenchConnection, name: string, room: string): Promise<void>;
  /** The text frame's content that has the server broadcast `text`. */
  say(id: string, text: string): string;
}

/** The echo peers: one room, no join, the text is broadcast as it is. */
export const RAW_DIALECT: ChatDialect = {
  kind: 'raw',
  path: '/',
  join: () => Promise.resolve(),
  say: (_id, text) => text,
};

/** The chat contract on `/ws`: draftbridge, the bound and naive `ws`. */
export const CHAT_DIALECT: ChatDialect = {
  kind: 'chat',
  path: '/ws',
  join: joinChatRoom,
  say: (id, text) => JSON.stringify({ type: 'say', id, text }),
};

/** The type of a decoded chat message, or null when it is not a JSON object with one. */
export function readMessageType(payload: Buffer): string | null {
  try {
    const parsed: unknown = JSON.parse(payload.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'type' in parsed) {
      return typeof parsed.type === 'string' ? parsed.type : null;
    }
  } catch {
    // Not JSON: not a chat message.
  }
  return null;
}

/** A room name no earlier run used: Redis keeps rooms, their history and their dedupe. */
export function createRoomName(): string {
  return `${BENCH_ROOM_PREFIX}${randomBytes(6).toString('hex')}`;
}

function joinChatRoom(connection: BenchConnection, name: string, room: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const previousDecode = connection.decode;
    const finish = (error: Error | null): void => {
      clearTimeout(timer);
      connection.onMessage = null;
      connection.decode = previousDecode;
      if (error === null) resolve();
      else reject(error);
    };
    const timer = setTimeout(
      () => finish(new Error(`no welcome to ${name}'s join within ${HANDSHAKE_TIMEOUT_MS} ms`)),
      HANDSHAKE_TIMEOUT_MS,
    );
    connection.decode = true;
    connection.onMessage = (payload) => {
      const type = readMessageType(payload);
      if (type === 'welcome') finish(null);
      else if (type === 'error') finish(new Error(`join answered: ${payload.toString('utf8')}`));
    };
    connection.send(JSON.stringify({ type: 'join', room, nick: name, client: name }));
  });
}
