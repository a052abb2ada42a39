import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HixieServerReader } from './hixie-reader.js';

type Frame =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'other-type'; readonly type: number; readonly bytes: Uint8Array }
  | { readonly kind: 'prefixed'; readonly type: number; readonly bytes: Uint8Array };

// A length in 7-bit groups, most significant first, "more follows" in the high bit (§5.3).
function lengthBytes(length: number): number[] {
  const groups = [length & 0x7f];
  for (let rest = Math.floor(length / 128); rest > 0; rest = Math.floor(rest / 128)) {
    groups.unshift((rest & 0x7f) | 0x80);
  }
  return groups;
}

const encodeText = (text: string) =>
  Buffer.concat([Buffer.from([0x00]), Buffer.from(text), Buffer.from([0xff])]);

function encode(frame: Frame): Buffer {
  if (frame.kind === 'text') return encodeText(frame.text);
  if (frame.kind === 'other-type') {
    return Buffer.from([frame.type, ...frame.bytes.filter((b) => b !== 0xff), 0xff]);
  }
  return Buffer.from([frame.type, ...lengthBytes(frame.bytes.length), ...frame.bytes]);
}

const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .string({ unit: 'binary', maxLength: 200 })
      .map((text) => ({ kind: 'text' as const, text })),
  },
  fc.record({
    kind: fc.constant('other-type' as const),
    type: fc.integer({ min: 0x01, max: 0x7f }),
    bytes: fc.uint8Array({ maxLength: 100 }),
  }),
  // Any bytes, 0xFF included, and lengths of one to three groups; never the close (0xFF, 0).
  fc.record({
    kind: fc.constant('prefixed' as const),
    type: fc.integer({ min: 0x80, max: 0xfe }),
    bytes: fc.uint8Array({ maxLength: 300 }),
  }),
);

function feed(draft: 75 | 76, limit: number, stream: Buffer, cuts: number[]) {
  const texts: string[] = [];
  const events: string[] = [];
  const reader = new HixieServerReader(draft, limit, {
    receiveHixieText: (text) => texts.push(text),
    hixieReaderStopped: (why) => events.push(why),
  });
  const points = [...new Set(cuts.map((c) => Math.floor(c * stream.length)))].sort((a, b) => a - b);
  let from = 0;
  for (const point of [...points, stream.length]) {
    reader.push(stream.subarray(from, point));
    from = point;
  }
  return { texts, events };
}

const cutsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 20 });

describe('hixie reader', () => {
  it('reads every text frame and skips every other frame, however the stream is split', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 20 }),
        cutsArb,
        fc.constantFrom(75, 76),
        (frames, cuts, draft) => {
          const stream = Buffer.concat(frames.map(encode));
          const { texts, events } = feed(draft as 75 | 76, 1024, stream, cuts);
          const expected = frames.flatMap((f) =>
            f.kind === 'text' ? [Buffer.from(f.text).toString()] : [],
          );
          expect(texts).toEqual(expected);
          expect(events).toEqual([]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('stops at the draft-76 closing handshake, and reads past 0xFF 0x00 on draft-75', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 6 }),
        fc.array(frameArb, { maxLength: 6 }),
        cutsArb,
        (before, after, cuts) => {
          const stream = Buffer.concat([
            ...before.map(encode),
            Buffer.from([0xff, 0x00]),
            ...after.map(encode),
          ]);
          const texts = (frames: Frame[]) =>
            frames.flatMap((f) => (f.kind === 'text' ? [Buffer.from(f.text).toString()] : []));
          const on76 = feed(76, 1024, stream, cuts);
          expect(on76).toEqual({ texts: texts(before), events: ['close'] });
          const on75 = feed(75, 1024, stream, cuts);
          expect(on75).toEqual({ texts: [...texts(before), ...texts(after)], events: [] });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stops at the first frame past the limit, buffered or announced, and reads nothing after', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom('text', 'other-type', 'prefixed'),
        cutsArb,
        (limit, kind, cuts) => {
          const big = Buffer.alloc(limit + 1, 0x61);
          const oversized: Frame =
            kind === 'text'
              ? { kind, text: big.toString() }
              : kind === 'other-type'
                ? { kind, type: 0x01, bytes: big }
                : { kind, type: 0x80, bytes: big };
          const stream = Buffer.concat([
            encode({ kind: 'text', text: 'a' }),
            encode(oversized),
            encode({ kind: 'text', text: 'b' }),
          ]);
          expect(feed(76, limit, stream, cuts)).toEqual({ texts: ['a'], events: ['too-large'] });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses a text frame that is not UTF-8 whole, and reads nothing after it', () => {
    // Byte sequences that are never UTF-8: a lone continuation byte, a surrogate (the finding's
    // ED A0 80), an overlong '/', a code point past U+10FFFF, a character cut off by the 0xFF.
    const invalid = [
      [0xc3, 0x28],
      [0xed, 0xa0, 0x80],
      [0xc0, 0xaf],
      [0xf4, 0x90, 0x80, 0x80],
      [0xe2, 0x82],
    ];
    fc.assert(
      fc.property(
        fc.array(frameArb, { maxLength: 6 }),
        fc.constantFrom(...invalid),
        fc.array(frameArb, { maxLength: 6 }),
        cutsArb,
        fc.constantFrom(75, 76),
        (before, bad, after, cuts, draft) => {
          const stream = Buffer.concat([
            ...before.map(encode),
            Buffer.from([0x00, 0x6f, 0x6b, 0x20, ...bad, 0x21, 0xff]),
            ...after.map(encode),
          ]);
          const texts = before.flatMap((f) =>
            f.kind === 'text' ? [Buffer.from(f.text).toString()] : [],
          );
          expect(feed(draft as 75 | 76, 1024, stream, cuts)).toEqual({
            texts,
            events: ['invalid-text'],
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads a character split across chunks, down to one byte a chunk', () => {
    const text = 'a€𝄞κόσμε';
    const stream = encodeText(text);
    const everyByte = Array.from({ length: stream.length }, (_, i) => i / stream.length);
    expect(feed(76, 100, stream, everyByte)).toEqual({ texts: [text], events: [] });
  });

  it('refuses a length prefix of more than five groups before it grows without end', () => {
    const stream = Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80]);
    expect(feed(76, Number.MAX_SAFE_INTEGER, stream, []).events).toEqual(['too-large']);
  });
});
