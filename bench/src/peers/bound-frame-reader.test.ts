import { encodeHybiFrame, HYBI_OPCODES } from '@draftbridge/protocol-router';
import { describe, expect, it } from 'vitest';
import { MaskedFrameReader } from './bound-frame-reader.js';

function reader() {
  const seen: string[] = [];
  const frames = new MaskedFrameReader({
    onText: (text) => seen.push(`text ${text}`),
    onPing: (payload) => seen.push(`ping ${payload.toString()}`),
    onClose: () => seen.push('close'),
  });
  return { frames, seen };
}

describe('MaskedFrameReader', () => {
  it('unmasks text frames of every length form, split anywhere across chunks', () => {
    const texts = ['hello', 'é'.repeat(100), 'x'.repeat(70_000)];
    const bytes = Buffer.concat(
      texts.map((t) => encodeHybiFrame(HYBI_OPCODES.text, Buffer.from(t), { mask: true })),
    );
    for (const cut of [1, 2, 7, 150, bytes.length - 1]) {
      const { frames, seen } = reader();
      frames.push(Buffer.from(bytes.subarray(0, cut)));
      frames.push(Buffer.from(bytes.subarray(cut)));
      expect(seen).toEqual(texts.map((t) => `text ${t}`));
    }
  });

  it('reports pings and stops at a close', () => {
    const { frames, seen } = reader();
    frames.push(
      Buffer.concat([
        encodeHybiFrame(HYBI_OPCODES.ping, Buffer.from('p'), { mask: true }),
        encodeHybiFrame(HYBI_OPCODES.close, Buffer.alloc(0), { mask: true }),
        encodeHybiFrame(HYBI_OPCODES.text, Buffer.from('after'), { mask: true }),
      ]),
    );
    expect(seen).toEqual(['ping p', 'close']);
  });
});
