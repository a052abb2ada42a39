/**
 * Client-to-server messages (docs/PROTOCOL.md, "Client to server"): one zod schema each, so that
 * every frame from the network is `unknown` until one of these has accepted it.
 */
import { z } from 'zod';
import {
  CLIENT_ID_MAX_CODE_POINTS,
  countCodePoints,
  MESSAGE_ID_MAX_CODE_POINTS,
  NICK_MAX_CODE_POINTS,
  PING_TOKEN_MAX_LENGTH,
  ROOM_PATTERN,
  TEXT_MAX_CODE_POINTS,
} from './limits.js';

// Unicode "Cc" is C0, DEL and C1: the characters a terminal or a list would act on.
const CONTROL_CHARACTER = /\p{Cc}/u;

const hasCodePoints = (min: number, max: number) => (value: string) => {
  const count = countCodePoints(value);
  return count >= min && count <= max;
};

/** A room name as the contract allows it. */
export const roomSchema = z.string().regex(ROOM_PATTERN);

/** A nick: 1 to 24 code points after trimming, no control characters; decoded trimmed. */
export const nickSchema = z
  .string()
  .refine((nick) => hasCodePoints(1, NICK_MAX_CODE_POINTS)(nick.trim()))
  .refine((nick) => !CONTROL_CHARACTER.test(nick))
  .transform((nick) => nick.trim());

/** A client id, stable for one tab or one terminal client across reconnects. */
export const clientIdSchema = z.string().refine(hasCodePoints(1, CLIENT_ID_MAX_CODE_POINTS));

/** A `say` id, unique per client. */
export const messageIdSchema = z.string().refine(hasCodePoints(1, MESSAGE_ID_MAX_CODE_POINTS));

/**
 * `say` text. Empty after trimming is `bad_message`; over the limit is `too_large` (the issue
 * carries that code in its params). Accepted text is kept exactly as sent, never trimmed.
 */
export const sayTextSchema = z
  .string()
  .refine((text) => text.trim().length > 0)
  .refine((text) => countCodePoints(text.trim()) <= TEXT_MAX_CODE_POINTS, {
    params: { code: 'too_large' },
  });

/** `join`: must come first; one room per connection. */
export const joinSchema = z.object({
  type: z.literal('join'),
  room: roomSchema,
  nick: nickSchema,
  client: clientIdSchema,
  since: z.number().int().nonnegative().optional(),
});

/** `say`: one chat line. */
export const saySchema = z.object({
  type: z.literal('say'),
  id: messageIdSchema,
  text: sayTextSchema,
});

/** `ping`: answered with a `pong` carrying the same `t`. */
export const pingSchema = z.object({
  type: z.literal('ping'),
  t: z.union([z.number(), z.string().max(PING_TOKEN_MAX_LENGTH)]).optional(),
});

/** Every client-to-server message, keyed on `type`. */
export const clientMessageSchema = z.discriminatedUnion('type', [
  joinSchema,
  saySchema,
  pingSchema,
]);

/** A `join` after validation (nick trimmed). */
export type JoinMessage = z.output<typeof joinSchema>;
/** A `say` after validation. */
export type SayMessage = z.output<typeof saySchema>;
/** A `ping` after validation. */
export type PingMessage = z.output<typeof pingSchema>;
/** Any client-to-server message after validation. */
export type ClientMessage = z.output<typeof clientMessageSchema>;
/** A client-to-server message as a client writes it (before the server trims the nick). */
export type ClientMessageInput = z.input<typeof clientMessageSchema>;
/** The `type` of a client-to-server message. */
export type ClientMessageType = ClientMessage['type'];
