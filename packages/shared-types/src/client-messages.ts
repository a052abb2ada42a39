/**
 * Client-to-server messages (docs/PROTOCOL.md, "Client to server"): one zod schema each, so that
 * every frame from the network is `unknown` until one of these has accepted it.
 */
import { z } from 'zod';
import {
  CLIENT_ID_MAX_CODE_POINTS,
  countCodePoints,
  fitsText,
  MESSAGE_ID_MAX_CODE_POINTS,
  NICK_MAX_CODE_POINTS,
  PING_TOKEN_MAX_LENGTH,
  ROOM_PATTERN,
  TEXT_MAX_BYTES,
  TEXT_MAX_CODE_POINTS,
} from './limits.js';

// Unicode "Cc" is C0, DEL and C1: the characters a terminal or a list would act on.
const CONTROL_CHARACTER = /\p{Cc}/u;

// What a nick may not hold because it cannot be seen or changes how text around it reads:
// format characters (Cf: zero-width space U+200B, joiners, bidi overrides such as U+202E),
// line and paragraph separators, every space but U+0020, and the letters and symbols that
// render blank (Hangul fillers U+115F, U+1160, U+3164, U+FFA0; Braille blank U+2800).
const INVISIBLE_CHARACTER = /[\p{Cf}\p{Zl}\p{Zp}\u115F\u1160\u2800\u3164\uFFA0]|(?! )\p{Zs}/u;

// A nick must show something: a letter, digit, punctuation mark or symbol.
const VISIBLE_CHARACTER = /[\p{L}\p{N}\p{P}\p{S}]/u;

const hasCodePoints = (min: number, max: number) => (value: string) => {
  // A string has between half its UTF-16 length (all surrogate pairs) and its length in code
  // points: when both ends are inside the range, there is nothing to count.
  if (value.length <= max && Math.ceil(value.length / 2) >= min) return true;
  const count = countCodePoints(value);
  return count >= min && count <= max;
};

/** A room name as the contract allows it. */
export const roomSchema = z.string().regex(ROOM_PATTERN);

/**
 * A nick: 1 to 24 code points after trimming, no control, format or blank characters, at least
 * one visible one; decoded trimmed. Two members may still share a nick: clients tell them
 * apart by member id.
 */
export const nickSchema = z
  .string()
  .refine((nick) => hasCodePoints(1, NICK_MAX_CODE_POINTS)(nick.trim()))
  .refine((nick) => !CONTROL_CHARACTER.test(nick) && !INVISIBLE_CHARACTER.test(nick))
  .refine((nick) => VISIBLE_CHARACTER.test(nick.replace(/[\u115F\u1160\u2800\u3164\uFFA0]/gu, '')))
  .transform((nick) => nick.trim());

/** A client id, stable for one tab or one terminal client across reconnects. */
export const clientIdSchema = z.string().refine(hasCodePoints(1, CLIENT_ID_MAX_CODE_POINTS));

/** Whether a string is a `say` id: 1 to 64 code points. */
export const isMessageId = hasCodePoints(1, MESSAGE_ID_MAX_CODE_POINTS);

/** A `say` id, unique per client. */
export const messageIdSchema = z.string().refine(isMessageId);

/** Whether a string is `say` text: something besides white space, within both limits. */
export const isSayText = (text: string): boolean =>
  text.trim().length > 0 && fitsText(text, TEXT_MAX_CODE_POINTS, TEXT_MAX_BYTES);

/**
 * `say` text. Empty after trimming is `bad_message`; over the limit is `too_large` (the issue
 * carries that code in its params). The limit is on the text as sent, because accepted text
 * is kept and broadcast exactly as sent, never trimmed: one letter and 60 KB of spaces is
 * 60 KB in every member's history.
 */
export const sayTextSchema = z
  .string()
  .refine((text) => text.trim().length > 0)
  .refine((text) => fitsText(text, TEXT_MAX_CODE_POINTS, TEXT_MAX_BYTES), {
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

/** `history`: asks for retained messages older than `before`, a page at a time. */
export const historyRequestSchema = z.object({
  type: z.literal('history'),
  before: z.number().int().positive(),
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
  historyRequestSchema,
  pingSchema,
]);

/** A `join` after validation (nick trimmed). */
export type JoinMessage = z.output<typeof joinSchema>;
/** A `say` after validation. */
export type SayMessage = z.output<typeof saySchema>;
/** A `history` request after validation. */
export type HistoryRequest = z.output<typeof historyRequestSchema>;
/** A `ping` after validation. */
export type PingMessage = z.output<typeof pingSchema>;
/** Any client-to-server message after validation. */
export type ClientMessage = z.output<typeof clientMessageSchema>;
/** A client-to-server message as a client writes it (before the server trims the nick). */
export type ClientMessageInput = z.input<typeof clientMessageSchema>;
/** The `type` of a client-to-server message. */
export type ClientMessageType = ClientMessage['type'];
