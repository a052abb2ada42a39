import { ERROR_CODES } from '@draftbridge/shared-types';
import { describe, expect, it } from 'vitest';
import { isJoinValid, validateJoin } from './join-validation.js';

describe('validateJoin', () => {
  it('accepts what the contract accepts', () => {
    expect(validateJoin('  ann  ', 'physics-101')).toEqual({});
    expect(isJoinValid(validateJoin('李', 'a'))).toBe(true);
  });

  it('refuses an empty, too long or control-character nick', () => {
    for (const nick of ['', '   ', 'x'.repeat(25), 'a\u0007b']) {
      expect(validateJoin(nick, 'lobby')).toEqual({ nick: ERROR_CODES.invalid_nick });
    }
  });

  it('refuses a room outside the pattern', () => {
    for (const room of ['', 'Lobby', '-lobby', 'a b', 'x'.repeat(33)]) {
      expect(validateJoin('ann', room)).toEqual({ room: ERROR_CODES.invalid_room });
    }
  });
});
