/**
 * What travels through Redis: a `message` serialized by the instance that received the `say`
 * with a hole where the `seq` goes (Redis allocates it inside the script), and the two kinds of
 * publication on a room's channel.
 *
 * The text a member finally receives is byte-identical to what the in-memory hub would send:
 * the same key order as serializeChatMessage, with the seq spliced in.
 */
import type { ChatMessage } from '@draftbridge/shared-types';

/** A `message` as JSON text in two parts, before and after its `seq`. */
export interface MessageAroundSeq {
  readonly head: string;
  readonly tail: string;
}

/** Serializes `message` without its seq: `head + seq + tail` is the full JSON text. */
export function serializeMessageAroundSeq(message: Omit<ChatMessage, 'seq'>): MessageAroundSeq {
  const { type, room, ...rest } = message;
  // Both halves are JSON objects: `{...}` minus its closing brace, then `{...}` minus its opening one.
  const head = `${JSON.stringify({ type, room }).slice(0, -1)},"seq":`;
  const tail = `,${JSON.stringify(rest).slice(1)}`;
  return { head, tail };
}

/** One publication on a room's channel. */
export type Publication =
  | { readonly kind: 'message'; readonly seq: number; readonly text: string }
  | {
      readonly kind: 'presence';
      /** The room's presence counter after this change, to order it against a welcome. */
      readonly presenceSeq: number;
      readonly memberId: string;
      readonly text: string;
    };

/**
 * Parses `m<seq>\n<JSON>` or `p<presence-seq> <member id>\n<JSON>`; undefined for anything
 * else, which only a foreign publisher on our channel could send.
 */
export function parsePublication(payload: string): Publication | undefined {
  const newline = payload.indexOf('\n');
  if (newline < 2) return undefined;
  const header = payload.slice(1, newline);
  const text = payload.slice(newline + 1);
  if (payload[0] === 'm') {
    const seq = Number(header);
    return Number.isSafeInteger(seq) && seq > 0 ? { kind: 'message', seq, text } : undefined;
  }
  if (payload[0] === 'p') {
    const space = header.indexOf(' ');
    const presenceSeq = Number(header.slice(0, space));
    if (space < 1 || !Number.isSafeInteger(presenceSeq)) return undefined;
    return { kind: 'presence', presenceSeq, memberId: header.slice(space + 1), text };
  }
  return undefined;
}
