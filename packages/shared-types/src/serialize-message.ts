/**
 * The one server message whose text is made on the hot path, a chat `message`, serialized by
 * hand: byte for byte what `JSON.stringify(message)` gives, in the schema's key order (the
 * server's Redis codec splices the seq into exactly this text). It lives with the contract so
 * that the server and the bench's same-work bound make each delivery's text the same way.
 */
import type { ChatMessage } from './server-messages.js';

// JSON.stringify escapes `"`, `\`, C0 controls and lone surrogates in a string (ES2019's
// well-formed JSON.stringify); a string with none of them is written as it is, between quotes.
// Node 20's JSON.stringify walks a 100-character chat line about three times slower than this
// test does, and a message has five strings.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the C0 controls are what JSON escapes.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

function quote(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
}

/**
 * Serializes a chat `message`. `fromJson` is the sender as JSON when the caller has it: a
 * server keeps each member's JSON from its join, so a burst does not serialize the same member
 * object again for every message it says.
 */
export function serializeChatMessage(
  message: ChatMessage,
  fromJson = JSON.stringify(message.from),
): string {
  const { room, seq, id, client, text, ts } = message;
  return `{"type":"message","room":${quote(room)},"seq":${JSON.stringify(seq)},"id":${quote(id)},"client":${quote(client)},"text":${quote(text)},"ts":${JSON.stringify(ts)},"from":${fromJson}}`;
}
