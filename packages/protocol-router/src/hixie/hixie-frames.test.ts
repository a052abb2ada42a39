import { describe, expect, it } from 'vitest';
import { chunksOf, pushAll } from '../test-support/chunks.js';
import { HIXIE_CLOSE_FRAME } from './hixie-constants.js';
import { encodeHixieTextFrame, HixieFrameReader } from './hixie-frames.js';

function createReader(options: { decode?: boolean; maxPayloadBytes?: number } = {}) {
  const texts: string[] = [];
  const skipped: number[] = [];
  const raws: string[] = [];
  const tooLarge: string[] = [];
  let closes = 0;
  const reader = new HixieFrameReader(
    {
      onFrame: (raw) => raws.push(raw.toString('hex')),
      onText: (payload) => {
        if (payload !== null) texts.push(payload.toString('utf8'));
      },
      onClose: () => {
        closes += 1;
      },
      onSkipped: (type) => skipped.push(type),
      onTooLarge: (reason) => tooLarge.push(reason),
    },
    {
      maxPayloadBytes: options.maxPayloadBytes ?? Number.MAX_SAFE_INTEGER,
      decode: false,
      ...options,
    },
  );
  return { reader, texts, skipped, raws, tooLarge, closes: () => closes };
}

describe('encodeHixieTextFrame', () => {
  it('frames UTF-8 text between 0x00 and 0xFF', () => {
    expect([...encodeHixieTextFrame('hé')]).toEqual([0x00, 0x68, 0xc3, 0xa9, 0xff]);
    expect([...encodeHixieTextFrame(Buffer.from([0x41]))]).toEqual([0x00, 0x41, 0xff]);
  });
});

describe('HixieFrameReader', () => {
  const stream = Buffer.concat([
    encodeHixieTextFrame('first'),
    encodeHixieTextFrame(''),
    encodeHixieTextFrame('x'.repeat(5000)),
  ]);

  it('counts every frame whatever the chunk boundaries', () => {
    for (const size of [1, 2, 5, 100, stream.length]) {
      const { reader } = createReader();
      const count = pushAll((chunk) => reader.push(chunk), chunksOf(stream, size));
      expect(count, `chunks of ${size}`).toBe(3);
    }
  });

  it('reads up to a count of frames at a time, the rest left for the next push', () => {
    const frames = [
      encodeHixieTextFrame('one'),
      Buffer.from([0x80, 0x02, 0xff, 0xff]),
      encodeHixieTextFrame('two'),
      encodeHixieTextFrame('three'),
    ];
    const whole = Buffer.concat(frames);
    const { reader, texts, skipped } = createReader({ decode: true });
    // Two frames of any kind: the text and the skipped length-prefixed one.
    const first = reader.pushFrames(whole, 2);
    expect(first).toBe((frames[0] as Buffer).length + (frames[1] as Buffer).length);
    expect(texts).toEqual(['one']);
    expect(skipped).toEqual([0x80]);
    // A frame split across two pushes counts once, where it ends.
    const rest = whole.subarray(first);
    expect(reader.pushFrames(rest.subarray(0, 2), 1)).toBe(2);
    expect(reader.pushFrames(rest.subarray(2), 1)).toBe((frames[2] as Buffer).length - 2);
    expect(texts).toEqual(['one', 'two']);
    expect(reader.pushFrames(whole.subarray(whole.length - (frames[3] as Buffer).length), 5)).toBe(
      (frames[3] as Buffer).length,
    );
    expect(texts).toEqual(['one', 'two', 'three']);
  });

  it('decodes payloads only when asked, even from a reused chunk buffer', () => {
    const quiet = createReader();
    quiet.reader.push(stream);
    expect(quiet.texts).toEqual([]);

    const { reader, texts } = createReader();
    reader.decode = true;
    const shared = Buffer.alloc(stream.length);
    for (let at = 0; at < stream.length; at += 3) {
      const length = stream.copy(shared, 0, at, at + 3);
      reader.push(shared.subarray(0, length));
      shared.fill(0x41);
    }
    expect(texts).toEqual(['first', '', 'x'.repeat(5000)]);
  });

  it('recognises the closing handshake, split or whole', () => {
    const whole = createReader();
    whole.reader.push(HIXIE_CLOSE_FRAME);
    expect(whole.closes()).toBe(1);
    const split = createReader();
    split.reader.push(HIXIE_CLOSE_FRAME.subarray(0, 1));
    split.reader.push(HIXIE_CLOSE_FRAME.subarray(1));
    expect(split.closes()).toBe(1);
  });

  it('skips a length-prefixed frame by its count, 0xFF bytes inside included, and says so', () => {
    const { reader, texts, skipped } = createReader({ decode: true });
    const count = reader.push(
      Buffer.from([0x80, 0x02, 0xff, 0xff, 0x01, 0x41, 0xff, 0, 0x42, 0xff]),
    );
    expect(count).toBe(1);
    expect(skipped).toEqual([0x80, 0x01]);
    expect(texts).toEqual(['B']);
  });

  it('reports the exact bytes of every frame, however the stream is split', () => {
    const mixed = Buffer.concat([
      stream,
      Buffer.from([0x81, 0x81, 0x00]),
      Buffer.alloc(128),
      HIXIE_CLOSE_FRAME,
    ]);
    for (const size of [1, 2, 7, mixed.length]) {
      const { reader, raws } = createReader();
      pushAll((chunk) => reader.push(chunk), chunksOf(mixed, size));
      expect(raws.join(''), `chunks of ${size}`).toBe(mixed.toString('hex'));
      expect(raws).toHaveLength(5);
    }
  });

  it('stops at a frame past the limit and reads nothing after it', () => {
    const { reader, texts, tooLarge, raws } = createReader({ decode: true, maxPayloadBytes: 4 });
    reader.push(Buffer.concat([encodeHixieTextFrame('abcd'), encodeHixieTextFrame('abcde')]));
    reader.push(encodeHixieTextFrame('a'));
    expect(texts).toEqual(['abcd']);
    expect(tooLarge).toEqual(['frame payload exceeds 4 bytes']);
    expect(raws).toHaveLength(1);
    expect(reader.stopped).toBe(true);
  });

  it('reads nothing more once stopped, even the rest of the chunk being read', () => {
    const texts: string[] = [];
    const reader: HixieFrameReader = new HixieFrameReader(
      {
        onText: (payload) => {
          texts.push(String(payload));
          reader.stop();
        },
        onClose: () => {},
        onTooLarge: () => {},
      },
      { maxPayloadBytes: 100 },
    );
    expect(reader.push(Buffer.concat([encodeHixieTextFrame('a'), encodeHixieTextFrame('b')]))).toBe(
      1,
    );
    reader.push(encodeHixieTextFrame('c'));
    expect(texts).toEqual(['a']);
  });
});
