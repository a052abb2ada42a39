/**
 * Serializing server messages (docs/PROTOCOL.md, "Server to client"). Every hub implementation uses
 * these, so that one message has one JSON text however many members receive it. A chat `message`
 * is serialized by the contract's own `serializeChatMessage` (@draftbridge/shared-types).
 */
import {
  ERROR_CODES,
  type ErrorCode,
  type Member,
  type PresenceMessage,
} from '@draftbridge/shared-types';

/** The fields of a `welcome` other than its members and history. */
export interface WelcomeFields {
  readonly room: string;
  readonly self: Member;
  readonly seq: number;
  readonly truncated: boolean;
}

/**
 * Serializes a `welcome` around members and history messages that are already JSON text: the
 * retained texts are spliced in as they are, so history is byte-identical to the `message`
 * each member saw live and is never serialized twice, and each member's JSON is made once when
 * it joins, not again for every welcome of its room.
 */
export function serializeWelcome(
  fields: WelcomeFields,
  memberJsons: readonly string[],
  historyTexts: readonly string[],
): string {
  const head = JSON.stringify({
    type: 'welcome',
    room: fields.room,
    self: fields.self,
    seq: fields.seq,
    ...(fields.truncated ? { truncated: true } : {}),
  });
  // `head` is a JSON object, so it ends with `}`: the arrays go just before it.
  return `${head.slice(0, -1)},"members":[${memberJsons.join(',')}],"history":[${historyTexts.join(',')}]}`;
}

/** Serializes a `history` answer around retained message texts, oldest first. */
export function serializeHistoryPage(
  room: string,
  messageTexts: readonly string[],
  more: boolean,
): string {
  return `{"type":"history","room":${JSON.stringify(room)},"messages":[${messageTexts.join(',')}],"more":${more}}`;
}

/** Serializes a `presence`. */
export function serializePresence(event: PresenceMessage['event'], member: Member): string {
  return JSON.stringify({ type: 'presence', event, member });
}

/** Serializes a `pong`, echoing the ping's `t` when it had one. */
export function serializePong(t: number | string | undefined): string {
  return JSON.stringify(t === undefined ? { type: 'pong' } : { type: 'pong', t });
}

const plainErrors = new Map<ErrorCode, string>();

/**
 * Serializes an `error`: the contract's sentence for `code`, followed by what exactly was wrong
 * when the decoder said so. Errors without detail are serialized once per process, because a
 * flooding client is answered with the same `rate_limited` many times.
 */
export function serializeError(code: ErrorCode, detail?: string): string {
  const sentence = ERROR_CODES[code];
  if (detail === undefined || detail === sentence) {
    let text = plainErrors.get(code);
    if (text === undefined) {
      text = JSON.stringify({ type: 'error', code, message: sentence });
      plainErrors.set(code, text);
    }
    return text;
  }
  return JSON.stringify({ type: 'error', code, message: `${sentence} (${detail})` });
}
