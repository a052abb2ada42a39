/**
 * Serializing server messages (docs/PROTOCOL.md, "Server to client"). Every hub implementation uses
 * these, so that one message has one JSON text however many members receive it.
 */
import {
  type ChatMessage,
  ERROR_CODES,
  type ErrorCode,
  type Member,
  type PresenceMessage,
} from '@draftbridge/shared-types';

/** The fields of a `welcome` other than its history. */
export interface WelcomeFields {
  readonly room: string;
  readonly self: Member;
  readonly members: readonly Member[];
  readonly seq: number;
  readonly truncated: boolean;
}

/**
 * Serializes a `welcome` around history messages that are already JSON text: the retained
 * texts are spliced in as they are, so history is byte-identical to the `message` each member
 * saw live and is never serialized twice.
 */
export function serializeWelcome(fields: WelcomeFields, historyTexts: readonly string[]): string {
  const head = JSON.stringify({
    type: 'welcome',
    room: fields.room,
    self: fields.self,
    members: fields.members,
    seq: fields.seq,
    ...(fields.truncated ? { truncated: true } : {}),
  });
  // `head` is a JSON object, so it ends with `}`: the history array goes just before it.
  return `${head.slice(0, -1)},"history":[${historyTexts.join(',')}]}`;
}

/** Serializes a chat `message`. */
export function serializeChatMessage(message: ChatMessage): string {
  return JSON.stringify(message);
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
