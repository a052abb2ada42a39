import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DRAFT76_EXAMPLE } from '../testing/index.js';
import {
  answerDraft76Challenge,
  createDraft76Key,
  createDraft76Key3,
  parseDraft76Key,
} from './draft76-key.js';

describe('answerDraft76Challenge', () => {
  it('matches the example of draft-hixie-76 §1.3', () => {
    const answer = answerDraft76Challenge(
      '18x 6]8vM;54 *(5:  {   U1]8  z [  8',
      '1_ tx7X d  <  nw  334J702) 7]o}` 0',
      Buffer.from('Tm[K T2u', 'latin1'),
    );
    expect(answer?.toString('latin1')).toBe('fQJ,fN/4F4!~K~MH');
  });

  it('matches the second verified example', () => {
    const { key1, key2, key3, answer } = DRAFT76_EXAMPLE;
    expect(answerDraft76Challenge(key1, key2, key3)).toEqual(answer);
  });
});

describe('parseDraft76Key', () => {
  it.each([
    ['the spec key1', '18x 6]8vM;54 *(5:  {   U1]8  z [  8', 155712099],
    ['the spec key2', '1_ tx7X d  <  nw  334J702) 7]o}` 0', 173347027],
    ['a zero number', '0 0', 0],
    ['the largest number', '4294967295 ', 4294967295],
  ])('reads %s', (_name, key, part) => {
    expect(parseDraft76Key(key)).toBe(part);
  });

  it.each([
    ['no spaces', '12345'],
    ['no digits', 'a b c'],
    ['a number not divisible by its spaces', '1 2 3'],
    ['a number past 32 bits', '4294967296 '],
    ['a huge number', `${'9'.repeat(40)} `],
    ['non-ASCII', '1 2é'],
    ['an empty key', ''],
    ['a control character', '1 2\t'],
    ['leading zeros before a number past 32 bits', `000${'4294967296'} `],
  ])('refuses %s', (_name, key) => {
    expect(parseDraft76Key(key)).toBeNull();
  });

  it('reads leading zeros as nothing', () => {
    expect(parseDraft76Key(`${'0'.repeat(30)}42 `)).toBe(42);
  });

  // §5.2 step by step, in BigInt: the digits as one number, divided by the spaces.
  function oracle(key: string): number | null {
    if (!/^[\x20-\x7e]+$/.test(key)) return null;
    const digits = key.replace(/[^0-9]/g, '');
    const spaces = BigInt(key.split(' ').length - 1);
    if (digits === '' || spaces === 0n) return null;
    const value = BigInt(digits);
    if (value > 0xffff_ffffn || value % spaces !== 0n) return null;
    return Number(value / spaces);
  }

  it('agrees with reading the key in BigInt, for any string', () => {
    const keyCharacter = fc.constantFrom(...' 0123456789 x;]\u00e9\t0'.split(''));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: keyCharacter, maxLength: 40 }),
          fc.string({ unit: 'binary', maxLength: 20 }),
          fc
            .tuple(fc.integer({ min: 0, max: 0xffff_ffff }), fc.integer({ min: 1, max: 12 }))
            .map(([n, spaces]) => `${String(n * spaces)}${' '.repeat(spaces)}`),
        ),
        (key) => {
          expect(parseDraft76Key(key)).toBe(oracle(key));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('createDraft76Key', () => {
  it('makes keys the server reads back, never with a space at either end', () => {
    for (let i = 0; i < 500; i += 1) {
      const { key, part } = createDraft76Key();
      expect(parseDraft76Key(key)).toBe(part);
      expect(key.startsWith(' ') || key.endsWith(' ')).toBe(false);
    }
  });

  it('makes an 8-byte key3', () => {
    expect(createDraft76Key3()).toHaveLength(8);
  });
});
