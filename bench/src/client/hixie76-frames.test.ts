import { describe, expect, it } from 'vitest';
import { encodeHixieText, HIXIE76_CLOSE_FRAME, Hixie76FrameReader } from './hixie76-frames.js';

function createReader() {
  const texts: string[] = [];
  let closes = 0;
  const reader = new Hixie76FrameReader({
    onText: (payload) => texts.push(payload.toString('utf8')),
    onPing: () => undefined,
    onClose: () => {
      closes += 1;
    },
  });
  return { reader, texts, closes: () => closes };
}

describe('encodeHixieText', () => {
  it('frames UTF-8 text between 0x00 and 0xFF', () => {
    expect([...encodeHixieText('hé')]).toEqual([0x00, 0x68, 0xc3, 0xa9, 0xff]);
  });
});

describe('Hixie76FrameReader', () => {
  const stream = Buffer.concat([
    encodeHixieText('first'),
    encodeHixieText(''),
    encodeHixieText('x'.repeat(5000)),
  ]);

  it('counts every frame whatever the chunk boundaries', () => {
    for (const size of [1, 2, 5, 100, stream.length]) {
      const { reader } = createReader();
      let count = 0;
      for (let at = 0; at < stream.length; at += size)
        count += reader.push(stream.subarray(at, at + size));
      expect(count, `chunks of ${size}`).toBe(3);
    }
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
    whole.reader.push(HIXIE76_CLOSE_FRAME);
    expect(whole.closes()).toBe(1);
    const split = createReader();
    split.reader.push(HIXIE76_CLOSE_FRAME.subarray(0, 1));
    split.reader.push(HIXIE76_CLOSE_FRAME.subarray(1));
    expect(split.closes()).toBe(1);
  });

  it('refuses a length-prefixed frame, which no server sends for text', () => {
    const { reader } = createReader();
    expect(() => reader.push(Buffer.from([0x80, 0x01, 0x41]))).toThrow(/frame type 0x80/);
  });
});
