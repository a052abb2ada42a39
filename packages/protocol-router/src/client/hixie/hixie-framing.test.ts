import { describe, expect, it } from 'vitest';
import { isHixieError } from './hixie-errors.js';
import { type HixieFrame, HixieFrameParser } from './hixie-framing.js';

const bytes = (...values: number[]): Buffer => Buffer.from(values);
const hex = (frame: HixieFrame): string => frame.raw.toString('hex');

function parseAll(chunks: Uint8Array[], maxMessageBytes?: number): HixieFrame[] {
  const parser = new HixieFrameParser(maxMessageBytes === undefined ? {} : { maxMessageBytes });
  return chunks.flatMap((chunk) => [...parser.push(chunk)]);
}

function oneBytePerChunk(input: Buffer): Buffer[] {
  return Array.from(input, (byte) => bytes(byte));
}

// "héllo" then "日本" then a close: three frames in one stream.
const STREAM = Buffer.concat([
  bytes(0x00, 0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f, 0xff),
  bytes(0x00, 0xe6, 0x97, 0xa5, 0xe6, 0x9c, 0xac, 0xff),
  bytes(0xff, 0x00),
]);

describe('HixieFrameParser', () => {
  it('decodes text frames and the closing handshake with their exact bytes', () => {
    const frames = parseAll([STREAM]);
    expect(frames.map((frame) => frame.kind)).toEqual(['text', 'text', 'close']);
    expect(frames.map((frame) => (frame.kind === 'text' ? frame.text : null))).toEqual([
      'héllo',
      '日本',
      null,
    ]);
    expect(frames.map(hex)).toEqual(['0068c3a96c6c6fff', '00e697a5e69cacff', 'ff00']);
  });

  it('gives the same frames one byte per chunk', () => {
    expect(parseAll(oneBytePerChunk(STREAM))).toEqual(parseAll([STREAM]));
  });

  it('gives the same frames for every split into two chunks', () => {
    const whole = parseAll([STREAM]);
    for (let split = 0; split <= STREAM.length; split += 1) {
      expect(parseAll([STREAM.subarray(0, split), STREAM.subarray(split)])).toEqual(whole);
    }
  });

  it('decodes an empty text frame', () => {
    const [frame] = parseAll([bytes(0x00, 0xff)]);
    expect(frame).toEqual({ kind: 'text', text: '', raw: bytes(0x00, 0xff) });
  });

  it('keeps a 4-byte UTF-8 character split across chunks', () => {
    const frame = bytes(0x00, 0xf0, 0x9f, 0x98, 0x80, 0xff); // U+1F600
    expect(parseAll(oneBytePerChunk(frame))).toEqual([
      { kind: 'text', text: '\u{1F600}', raw: frame },
    ]);
  });

  it('skips length-prefixed frames, multi-byte lengths included', () => {
    const long = Buffer.concat([bytes(0x80, 0x81, 0x00), Buffer.alloc(128, 0x41)]); // length 128
    const input = Buffer.concat([
      bytes(0x80, 0x03, 0x01, 0x02, 0x03),
      long,
      bytes(0x80, 0x00),
      bytes(0x00, 0x41, 0xff),
    ]);
    for (const chunks of [[input], oneBytePerChunk(input)]) {
      const frames = parseAll(chunks);
      expect(frames.map((frame) => frame.kind)).toEqual(['skipped', 'skipped', 'skipped', 'text']);
      expect(frames[0]?.raw).toEqual(bytes(0x80, 0x03, 0x01, 0x02, 0x03));
      expect(frames[1]?.raw).toEqual(long);
      expect(frames[2]?.raw).toEqual(bytes(0x80, 0x00));
      expect(frames[3]).toEqual({ kind: 'text', text: 'A', raw: bytes(0x00, 0x41, 0xff) });
    }
  });

  it('treats 0xFF with a non-zero length as a skipped frame, not a close', () => {
    expect(parseAll([bytes(0xff, 0x01, 0x00)])).toEqual([
      { kind: 'skipped', type: 0xff, raw: bytes(0xff, 0x01, 0x00) },
    ]);
  });

  it('reads and discards sentinel frames of a type other than 0x00', () => {
    expect(parseAll([bytes(0x01, 0x61, 0xff, 0x00, 0x62, 0xff)])).toEqual([
      { kind: 'skipped', type: 0x01, raw: bytes(0x01, 0x61, 0xff) },
      { kind: 'text', text: 'b', raw: bytes(0x00, 0x62, 0xff) },
    ]);
  });

  it('accepts a payload of exactly the limit', () => {
    const frame = Buffer.concat([bytes(0x00), Buffer.alloc(4, 0x61), bytes(0xff)]);
    expect(parseAll(oneBytePerChunk(frame), 4)).toEqual([
      { kind: 'text', text: 'aaaa', raw: frame },
    ]);
  });

  it('fails with too_large on the byte that crosses the limit, before the frame ends', () => {
    const parser = new HixieFrameParser({ maxMessageBytes: 4 });
    expect([...parser.push(bytes(0x00, 0x61, 0x61, 0x61, 0x61))]).toEqual([]);
    expect(() => [...parser.push(bytes(0x61))]).toThrow(/exceeds 4 bytes/);
  });

  it('fails with too_large on a declared length over the limit without reading the body', () => {
    const parser = new HixieFrameParser({ maxMessageBytes: 100 });
    let caught: unknown;
    try {
      [...parser.push(bytes(0x80, 0x81, 0x00))]; // declares 128 bytes
    } catch (error) {
      caught = error;
    }
    expect(isHixieError(caught, 'too_large')).toBe(true);
  });

  it('fails on a length prefix that never ends', () => {
    expect(() => parseAll([Buffer.alloc(16, 0x80)])).toThrow(/length uses more than/);
  });

  it('yields the frames before a failure, then keeps failing', () => {
    const parser = new HixieFrameParser({ maxMessageBytes: 2 });
    const seen: HixieFrame[] = [];
    expect(() => {
      for (const frame of parser.push(bytes(0x00, 0x61, 0xff, 0x00, 0x61, 0x61, 0x61, 0xff))) {
        seen.push(frame);
      }
    }).toThrow(/exceeds 2 bytes/);
    expect(seen.map(hex)).toEqual(['0061ff']);
    expect(() => [...parser.push(bytes(0x00, 0xff))]).toThrow(/exceeds 2 bytes/);
  });

  it.each([
    ['a lone continuation byte', [0x80]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['a UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['a truncated sequence', [0xe6, 0x97]],
  ])('reports invalid UTF-8 (%s) instead of replacing it', (_name, payload) => {
    let caught: unknown;
    try {
      parseAll([bytes(0x00, ...payload, 0xff)]);
    } catch (error) {
      caught = error;
    }
    expect(isHixieError(caught, 'invalid_utf8')).toBe(true);
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => new HixieFrameParser({ maxMessageBytes: 0 })).toThrow(/maxMessageBytes/);
    expect(() => new HixieFrameParser({ maxMessageBytes: 1.5 })).toThrow(/maxMessageBytes/);
  });
});
