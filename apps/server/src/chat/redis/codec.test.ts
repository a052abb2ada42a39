import { type ChatMessage, serializeChatMessage } from '@draftbridge/shared-types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePublication, serializeMessageAroundSeq } from './codec.js';
import { createRoomKeys, dedupeField } from './keys.js';

const member = { id: 'm-1', nick: 'ann', protocol: 'hixie-76', engine: 'faye-websocket' } as const;

describe('serializeMessageAroundSeq', () => {
  it('splices to exactly the text serializeChatMessage makes, for any field values', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.string(),
        fc.nat(),
        fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
        fc.boolean(),
        (id, client, text, ts, seq, relay) => {
          const from = relay ? { ...member, relay: true as const } : member;
          const message: ChatMessage = {
            type: 'message',
            room: 'lobby',
            seq,
            id,
            client,
            text,
            ts,
            from,
          };
          const { seq: _, ...withoutSeq } = message;
          const { head, tail } = serializeMessageAroundSeq(withoutSeq);
          expect(`${head}${seq}${tail}`).toBe(serializeChatMessage(message));
        },
      ),
    );
  });
});

describe('parsePublication', () => {
  it('reads a message with its seq', () => {
    expect(parsePublication('m42\n{"type":"message"}')).toEqual({
      kind: 'message',
      seq: 42,
      text: '{"type":"message"}',
    });
  });

  it('reads a presence with its presence seq and member id', () => {
    expect(parsePublication('p7 a b\n{"x":"\\n"}')).toEqual({
      kind: 'presence',
      presenceSeq: 7,
      memberId: 'a b',
      text: '{"x":"\\n"}',
    });
  });

  it('refuses anything else', () => {
    for (const payload of [
      '',
      'm',
      'm\n{}',
      'm0\n{}',
      'mx\n{}',
      'p7\n{}',
      'p x\n{}',
      'z1\n{}',
      'm1',
    ]) {
      expect(parsePublication(payload)).toBeUndefined();
    }
  });
});

describe('createRoomKeys', () => {
  it('namespaces every key and hash-tags the room', () => {
    const keys = createRoomKeys('draftbridge:', 'lobby');
    expect(Object.values(keys)).toEqual([
      'draftbridge:room:{lobby}:seq',
      'draftbridge:room:{lobby}:history',
      'draftbridge:room:{lobby}:dedupe',
      'draftbridge:room:{lobby}:members',
      'draftbridge:room:{lobby}:presence',
      'draftbridge:room:{lobby}:presence-seq',
      'draftbridge:room:{lobby}:events',
    ]);
  });
});

describe('dedupeField', () => {
  it('keeps (client, id) pairs apart that plain concatenation would merge', () => {
    expect(dedupeField('ab', 'c')).not.toBe(dedupeField('a', 'bc'));
    expect(dedupeField('a', 'b')).toMatch(/^\d/);
  });
});
