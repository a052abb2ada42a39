import { describe, expect, it } from 'vitest';
import { encodeHixieTextFrame } from './hixie/hixie-frames.js';
import { encodeHybiFrame, HYBI_OPCODES } from './hybi/hybi-frames.js';
import { FrameRun, PreparedBatch, PreparedMessage } from './prepared-message.js';

describe('PreparedMessage', () => {
  it('frames "Hello" as RFC 6455 §5.7 does for an unmasked text frame', () => {
    expect([...new PreparedMessage('Hello').frame('hybi')]).toEqual([
      0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f,
    ]);
  });

  it('uses the 16-bit length from 126 bytes and the 64-bit length from 65536', () => {
    const medium = new PreparedMessage('x'.repeat(126)).frame('hybi');
    expect([...medium.subarray(0, 4)]).toEqual([0x81, 126, 0x00, 126]);
    expect(medium).toHaveLength(130);
    const large = new PreparedMessage('x'.repeat(0x10000)).frame('hybi');
    expect([...large.subarray(0, 10)]).toEqual([0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('frames a draft message as 0x00, UTF-8, 0xFF', () => {
    expect([...new PreparedMessage('é').frame('hixie')]).toEqual([0x00, 0xc3, 0xa9, 0xff]);
  });

  it('frames once per family and shares the bytes', () => {
    const message = new PreparedMessage('shared');
    expect(message.frame('hybi')).toBe(message.frame('hybi'));
    expect(message.frame('hixie')).toBe(message.frame('hixie'));
  });

  it('encodes the text into each frame exactly as framing its UTF-8 bytes would', () => {
    // Lengths on both sides of each length encoding, in one-to-four-byte characters and a
    // lone surrogate (encoded as U+FFFD, three bytes).
    for (const unit of ['x', 'é', '漢', '😀', '\ud800']) {
      for (const bytes of [0, 1, 125, 126, 127, 0xffff, 0x10000, 0x10001]) {
        const text = unit.repeat(Math.ceil(bytes / Buffer.byteLength(unit)));
        const payload = Buffer.from(text, 'utf8');
        const message = new PreparedMessage(text);
        expect(message.byteLength).toBe(payload.length);
        expect(message.frame('hybi').equals(encodeHybiFrame(HYBI_OPCODES.text, payload))).toBe(
          true,
        );
        expect(message.frame('hixie').equals(encodeHixieTextFrame(payload))).toBe(true);
      }
    }
  });
});

describe('PreparedBatch', () => {
  it("writes a family's run in one buffer, frame after frame, as each message frames alone", () => {
    const texts = ['x', 'é'.repeat(63), '漢'.repeat(42), '😀'.repeat(40), '', '\ud800'];
    texts.push('y'.repeat(0x10000), 'z'.repeat(126));
    const batch = new PreparedBatch(texts.map((text) => new PreparedMessage(text)));
    for (const family of ['hybi', 'hixie'] as const) {
      const alone = texts.map((text) => new PreparedMessage(text).frame(family));
      const run = batch.run(family);
      expect(run).toBe(batch.run(family));
      expect(run.joined.equals(Buffer.concat(alone))).toBe(true);
      expect(run.bytes).toBe(run.joined.length);
      expect(run.frames.map((frame) => frame.toString('hex'))).toEqual(
        alone.map((frame) => frame.toString('hex')),
      );
    }
  });

  it('keeps a run of frames made one by one as they are', () => {
    const frames = [Buffer.from('one'), Buffer.from('two')];
    const run = new FrameRun(frames);
    expect(run.frames).toBe(frames);
    expect(run.bytes).toBe(6);
    expect(run.joined.toString()).toBe('onetwo');
  });
});
