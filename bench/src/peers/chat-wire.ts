/**
 * The chat contract's texts (docs/PROTOCOL.md) as the two chat peers without draftbridge send
 * them: the same-work bound (bound-peer.ts) and naive `ws` (ws-chat-peer.ts). A `message` has
 * the same members in the same order as draftbridge's, `from` the member as draftbridge
 * describes it, with the engine that would carry it, so each delivery is the same bytes; the
 * bench's probe compares the lengths before a run. Naive `ws` makes it with `JSON.stringify`
 * of the whole object, as a first chat server would (`serializeChatMessage` here); the bound
 * uses the contract's hand serializer, as draftbridge does. Reading is the least a `say` needs:
 * JSON.parse and the fields used, no validation.
 */
import { randomUUID } from 'node:crypto';
import type { WireProtocol } from '../constants.js';

/** A member as the contract writes it (`from`, `self`). */
export interface ChatMember {
  readonly id: string;
  readonly nick: string;
  readonly protocol: 'rfc6455' | 'hixie-76';
  readonly engine: 'websocket' | 'faye-websocket';
}

/** What a chat peer acts on; anything else is ignored. */
export type ChatRequest =
  | { readonly type: 'join'; readonly room: string; readonly nick: string; readonly client: string }
  | { readonly type: 'say'; readonly id: string; readonly text: string }
  | { readonly type: 'ping'; readonly t?: number | string };

/** The member a connection of `protocol` becomes, labelled as draftbridge labels it. */
export function createChatMember(protocol: WireProtocol, nick: string): ChatMember {
  return protocol === 'rfc6455'
    ? { id: randomUUID(), nick, protocol: 'rfc6455', engine: 'websocket' }
    : { id: randomUUID(), nick, protocol: 'hixie-76', engine: 'faye-websocket' };
}

/** Reads a client text; null when it is not one of the requests a chat peer acts on. */
export function parseChatRequest(text: string): ChatRequest | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || !('type' in parsed)) return null;
  const type = parsed.type;
  return type === 'join' || type === 'say' || type === 'ping' ? (parsed as ChatRequest) : null;
}

/** A `message`, member for member as draftbridge's hub serializes it. */
export function serializeChatMessage(
  room: string,
  seq: number,
  id: string,
  client: string,
  text: string,
  from: ChatMember,
): string {
  return JSON.stringify({ type: 'message', room, seq, id, client, text, ts: Date.now(), from });
}

/** A `welcome` with the member alone and no history: all the generator waits for. */
export function serializeWelcome(room: string, self: ChatMember, seq: number): string {
  return JSON.stringify({ type: 'welcome', room, self, seq, members: [self], history: [] });
}

/** A `pong` echoing the ping's `t`. */
export function serializePong(t: number | string | undefined): string {
  return JSON.stringify(t === undefined ? { type: 'pong' } : { type: 'pong', t });
}
