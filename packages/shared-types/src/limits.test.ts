import { describe, expect, it } from 'vitest';
import { isErrorCode } from './error-codes.js';
import { countCodePoints, ROOM_PATTERN } from './limits.js';

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
