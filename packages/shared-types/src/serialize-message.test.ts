import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeServerMessage } from './decode.js';
import { ENGINE_NAMES, PROTOCOL_IDS } from './protocols.js';
import { serializeChatMessage } from './serialize-message.js';
import type { ChatMessage } from './server-messages.js';

const chatMessage: fc.Arbitrary<ChatMessage> = fc.record({
  type: fc.constant('message' as const),
  room: fc.string({ unit: 'grapheme' }),
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  id: fc.string({ unit: 'binary' }),
  client: fc.string({ unit: 'binary' }),
  text: fc.string({ unit: 'binary' }),
  ts: fc.oneof(
    fc.integer({ min: 0, max: 2 ** 45 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
  ),
  from: fc.record(
    {
      id: fc.uuid(),
      nick: fc.string({ unit: 'binary' }),
      protocol: fc.constantFrom(...PROTOCOL_IDS),
      engine: fc.constantFrom(...ENGINE_NAMES),
      relay: fc.constant(true as const),
    },
    { requiredKeys: ['id', 'nick', 'protocol', 'engine'] },
  ),
});

describe('serializeChatMessage', () => {
  it('writes exactly what JSON.stringify writes, with or without the sender as JSON', () => {
    fc.assert(
      fc.property(chatMessage, (message) => {
        const expected = JSON.stringify(message);
        expect(serializeChatMessage(message)).toBe(expected);
        expect(serializeChatMessage(message, JSON.stringify(message.from))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('escapes what JSON.stringify escapes, and nothing else, in every string it writes', () => {
    const specials = [
      '"',
      '\\',
      '\u0000',
      '\u001f',
      '\u007f',
      '\u2028',
      '\ud800',
      '\udfff',
      '😀',
      '\ud83d',
    ];
    const base: ChatMessage = {
      type: 'message',
      room: 'lobby',
      seq: 1,
      id: 'id',
      client: 'client',
      text: 'text',
      ts: 1,
      from: { id: 'u', nick: 'n', protocol: 'rfc6455', engine: 'websocket' },
    };
    for (const special of specials) {
      for (const field of ['room', 'id', 'client', 'text'] as const) {
        const message = { ...base, [field]: `a${special}b${special}` };
        expect(serializeChatMessage(message)).toBe(JSON.stringify(message));
      }
    }
  });

  it('writes a message the contract decodes back to itself', () => {
    const message: ChatMessage = {
      type: 'message',
      room: 'lobby',
      seq: 7,
      id: 'm-1',
      client: 'c\u2028"\\',
      text: 'lone surrogate \ud800 and "quotes"',
      ts: 1_764_000_000_000,
      from: { id: 'u', nick: 'ada', protocol: 'hixie-76', engine: 'faye-websocket' },
    };
    expect(decodeServerMessage(serializeChatMessage(message))).toEqual({ ok: true, message });
  });
});
