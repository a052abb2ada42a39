import { describe, expect, it } from 'vitest';
import { messageIdSchema } from './client-messages.js';
import { isErrorCode } from './error-codes.js';
import { countCodePoints, fitsText, MESSAGE_ID_MAX_CODE_POINTS, ROOM_PATTERN } from './limits.js';

// Strings of one-, two-, three- and four-byte characters and lone surrogates, at lengths on
// both sides of the limits the fast paths skip the walk for.
const UNITS = ['a', 'é', '漢', '😀', '\ud800', '\udc00'];
function* strings(lengths: readonly number[]): Generator<string> {
  for (const length of lengths) {
    for (const first of UNITS) {
      for (const second of UNITS) {
        const pair = first + second;
        yield pair.repeat(Math.ceil(length / pair.length)).slice(0, length);
        yield `${first.repeat(length)}${second}`;
      }
    }
  }
}

describe('fitsText', () => {
  it('agrees with counting code points and UTF-8 bytes, inside and past both limits', () => {
    const lengths = [0, 1, 2, 3, 5, 6, 7, 9, 10, 11, 12, 13, 20, 21];
    for (const [maxCodePoints, maxBytes] of [
      [10, 40],
      [10, 30],
      [10, 20],
      [20, 21],
      [3, 100],
    ] as const) {
      for (const text of strings(lengths)) {
        const expected =
          countCodePoints(text) <= maxCodePoints && Buffer.byteLength(text) <= maxBytes;
        expect(fitsText(text, maxCodePoints, maxBytes), JSON.stringify(text)).toBe(expected);
      }
    }
  });
});

describe('messageIdSchema', () => {
  it('takes 1 to the limit of code points, however they are encoded', () => {
    const max = MESSAGE_ID_MAX_CODE_POINTS;
    for (const text of strings([0, 1, 2, max - 1, max, max + 1, 2 * max, 2 * max + 1])) {
      const count = countCodePoints(text);
      expect(messageIdSchema.safeParse(text).success, JSON.stringify(text)).toBe(
        count >= 1 && count <= max,
      );
    }
  });
});

describe('countCodePoints', () => {
  it('counts a surrogate pair once', () => {
    expect(countCodePoints('a😀b')).toBe(3);
    expect('a😀b'.length).toBe(4);
  });
  it('counts CJK and RTL text by character', () => {
    expect(countCodePoints('漢字')).toBe(2);
    expect(countCodePoints('שלום')).toBe(4);
  });
});

describe('ROOM_PATTERN', () => {
  it.each(['lobby', 'a', '0-room', 'x_y'])('accepts %s', (room) => {
    expect(ROOM_PATTERN.test(room)).toBe(true);
  });
  it.each(['', '_x', 'Lobby', 'a b', 'é'])('refuses %j', (room) => {
    expect(ROOM_PATTERN.test(room)).toBe(false);
  });
});

describe('isErrorCode', () => {
  it('knows the contract codes and nothing else', () => {
    expect(isErrorCode('binary_unsupported')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
  });
});
