/**
 * Server-to-client messages (docs/PROTOCOL.md, "Server to client"), as schemas so that a client
 * can validate what it receives, and as the types the server builds.
 */
import { z } from 'zod';
import { ERROR_CODES, type ErrorCode } from './error-codes.js';
import { ENGINE_NAMES, PROTOCOL_IDS, RELAY_PROTOCOL_IDS } from './protocols.js';

const errorCodeValues = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

/** A member of a room: who, and which path carries them. `relay` only when the server's own relay opened the leg. */
export const memberSchema = z.object({
  id: z.string(),
  nick: z.string(),
  protocol: z.enum(PROTOCOL_IDS),
  engine: z.enum(ENGINE_NAMES),
  relay: z.literal(true).optional(),
});

/** One chat message, identical for every member of the room. `ts` is milliseconds since the epoch. */
export const chatMessageSchema = z.object({
  type: z.literal('message'),
  room: z.string(),
  seq: z.number().int().positive(),
  id: z.string(),
  client: z.string(),
  text: z.string(),
  ts: z.number(),
  from: memberSchema,
});

/** The answer to `join`. */
export const welcomeSchema = z.object({
  type: z.literal('welcome'),
  room: z.string(),
  self: memberSchema,
  members: z.array(memberSchema),
  history: z.array(chatMessageSchema),
  seq: z.number().int().nonnegative(),
  truncated: z.literal(true).optional(),
});

/** The answer to a `history` request: retained messages before its `before`, oldest first. */
export const historyPageSchema = z.object({
  type: z.literal('history'),
  room: z.string(),
  messages: z.array(chatMessageSchema),
  /** True when older retained messages remain: ask again with `before` the first seq here. */
  more: z.boolean(),
});

/** A member joined or left. */
export const presenceSchema = z.object({
  type: z.literal('presence'),
  event: z.enum(['join', 'leave']),
  member: memberSchema,
});

/** Something the client sent was refused. */
export const errorSchema = z.object({
  type: z.literal('error'),
  code: z.enum(errorCodeValues),
  message: z.string(),
});

/** The answer to `ping`. */
export const pongSchema = z.object({
  type: z.literal('pong'),
  t: z.union([z.number(), z.string()]).optional(),
});

/** The exact bytes of one frame the relay wrote to (`out`) or read from (`in`) its leg's socket, base64. */
export const wireSchema = z.object({
  type: z.literal('wire'),
  dir: z.enum(['in', 'out']),
  protocol: z.enum(PROTOCOL_IDS),
  bytes: z.base64(),
});

// base64 of draft-76's 8-byte key3 and 16-byte answer, padding included.
const KEY3_BASE64_LENGTH = 12;
const ANSWER_BASE64_LENGTH = 24;

/**
 * The opening handshake of the relay's leg, as exact bytes in base64: the request head (up to
 * and including its blank line), the response head, and on hixie-76 (only there) the 8 bytes
 * of key3 sent after the request and the 16-byte answer read after the response.
 */
export const handshakeSchema = z
  .object({
    type: z.literal('handshake'),
    protocol: z.enum(RELAY_PROTOCOL_IDS),
    request: z.base64(),
    key3: z.base64().length(KEY3_BASE64_LENGTH).optional(),
    response: z.base64(),
    answer: z.base64().length(ANSWER_BASE64_LENGTH).optional(),
  })
  .refine(
    (handshake) =>
      (handshake.protocol === 'hixie-76') === (handshake.key3 !== undefined) &&
      (handshake.protocol === 'hixie-76') === (handshake.answer !== undefined),
    { message: 'key3 and answer come with hixie-76 and only with it' },
  );

/** Every server-to-client message, keyed on `type`. */
export const serverMessageSchema = z.discriminatedUnion('type', [
  welcomeSchema,
  chatMessageSchema,
  historyPageSchema,
  presenceSchema,
  errorSchema,
  pongSchema,
  wireSchema,
  handshakeSchema,
]);

/** A member of a room. */
export type Member = z.output<typeof memberSchema>;
/** A `message`. */
export type ChatMessage = z.output<typeof chatMessageSchema>;
/** A `welcome`. */
export type WelcomeMessage = z.output<typeof welcomeSchema>;
/** A `history` answer. */
export type HistoryPage = z.output<typeof historyPageSchema>;
/** A `presence`. */
export type PresenceMessage = z.output<typeof presenceSchema>;
/** An `error`. */
export type ErrorMessage = z.output<typeof errorSchema>;
/** A `pong`. */
export type PongMessage = z.output<typeof pongSchema>;
/** A `wire`. */
export type WireMessage = z.output<typeof wireSchema>;
/** A `handshake`. */
export type HandshakeMessage = z.output<typeof handshakeSchema>;
/** Any server-to-client message. */
export type ServerMessage = z.output<typeof serverMessageSchema>;
