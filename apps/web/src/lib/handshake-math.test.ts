import { md5 } from '@noble/hashes/legacy.js';
import { describe, expect, it } from 'vitest';
import { bytesEqual, workAccept, workDraft76, workDraft76Key } from './handshake-math.js';
import { formatHex } from './wire-bytes.js';

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

describe('the draft-76 challenge, on the draft’s own example (draft-hixie-76 §1.3, §5.2)', () => {
  const key1 = '4 @1  46546xW%0l 1 5';
  const key2 = '12998 5 Y3 1  .P00';
  const key3 = latin1('^n:ds[4U');

  it('reads the digits and the spaces of each key and divides', () => {
    expect(workDraft76Key(key1)).toEqual({
      key: key1,
      digits: '4146546015',
      number: 4146546015,
      spaces: 5,
      quotient: 829309203,
    });
    expect(workDraft76Key(key2)).toEqual({
      key: key2,
      digits: '1299853100',
      number: 1299853100,
      spaces: 5,
      quotient: 259970620,
    });
  });

  it("hashes the quotients and key3 into the answer 8jKS'y:G*Co,Wxa-", () => {
    const work = workDraft76(key1, key2, key3);
    // 829309203 = 0x316E4113, 259970620 = 0x0F7ED63C, then key3.
    expect(formatHex(work.challenge ?? new Uint8Array())).toBe(
      '31 6E 41 13 0F 7E D6 3C 5E 6E 3A 64 73 5B 34 55',
    );
    expect(work.answer).not.toBeNull();
    expect(bytesEqual(work.answer ?? new Uint8Array(), latin1("8jKS'y:G*Co,Wxa-"))).toBe(true);
  });

  it('refuses a key whose number does not divide by its spaces, or that has no space', () => {
    expect(workDraft76Key('1 2').quotient).toBe(12);
    expect(workDraft76Key('1 2 3').quotient).toBeNull(); // 123 / 2 is not exact
    expect(workDraft76Key('12').quotient).toBeNull();
    expect(workDraft76(key1, '12', key3)).toMatchObject({ challenge: null, answer: null });
  });
});

describe('the accept of hybi and RFC 6455', () => {
  it('answers RFC 6455 §1.3’s example key', () => {
    const work = workAccept('dGhlIHNhbXBsZSBub25jZQ==');
    expect(work.concatenated).toBe('dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11');
    // The digest's bytes as §1.3 prints them.
    expect(formatHex(work.digest)).toBe(
      'B3 7A 4F 2C C0 62 4F 16 90 F6 46 06 CF 38 59 45 B2 BE C4 EA',
    );
    expect(work.accept).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });
});

describe('the MD5 the page uses (@noble/hashes)', () => {
  // RFC 1321 appendix A.5's test suite.
  it.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    [
      'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
      'd174ab98d277d9f5a5611c2c9f419d9f',
    ],
    [
      '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
      '57edf4a22be3c955ac49da2e2107b67a',
    ],
  ])('MD5("%s") = %s', (input, digest) => {
    expect(
      formatHex(md5(latin1(input)))
        .replaceAll(' ', '')
        .toLowerCase(),
    ).toBe(digest);
  });
});
