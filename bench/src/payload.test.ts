import { describe, expect, it } from 'vitest';
import { CHAT_DIALECT } from './chat-dialect.js';
import { MESSAGE_TEXT_BYTES } from './constants.js';
import { createMessageText, readSentAt } from './payload.js';

describe('createMessageText', () => {
  it('makes ASCII text of the fixed length', () => {
    const text = createMessageText(3, 17, 12345.6789);
    expect(Buffer.byteLength(text)).toBe(MESSAGE_TEXT_BYTES);
    expect(text).toMatch(/^\|t=12345\.679;s=3;n=17;x+$/);
  });
});

describe('readSentAt', () => {
  it('finds the timestamp in the bare text and inside a draftbridge message', () => {
    const text = createMessageText(0, 1, 987.125);
    expect(readSentAt(Buffer.from(text))).toBe(987.125);
    const message = JSON.stringify({
      type: 'message',
      room: 'bench',
      seq: 1,
      id: 's0-1',
      client: 's0',
      text,
      ts: 1,
    });
    expect(readSentAt(Buffer.from(message))).toBe(987.125);
    expect(JSON.parse(CHAT_DIALECT.say('s0-1', text))).toEqual({
      type: 'say',
      id: 's0-1',
      text,
    });
  });

  it('returns null when there is no timestamp', () => {
    expect(readSentAt(Buffer.from('{"type":"presence"}'))).toBeNull();
    expect(readSentAt(Buffer.from('|t=12'))).toBeNull();
  });
});
