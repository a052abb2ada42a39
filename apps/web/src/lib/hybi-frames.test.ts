import { describe, expect, it } from 'vitest';
import { parseHybiFrame } from './hybi-frames.js';
import { formatHex } from './wire-bytes.js';

describe('parseHybiFrame', () => {
  it('reads RFC 6455 §5.7’s unmasked "Hello"', () => {
    const frame = parseHybiFrame(Uint8Array.of(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f));
    expect(frame).toMatchObject({ kind: 'text', masked: false, text: 'Hello' });
    expect(frame.segments.map((s) => s.label)).toEqual([
      'FIN=1 RSV=000 opcode=1 (text)',
      'MASK=0, length 5',
      'payload, 5 bytes',
    ]);
  });

  it('unmasks RFC 6455 §5.7’s masked "Hello" with the key it carries', () => {
    const bytes = Uint8Array.of(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58);
    const frame = parseHybiFrame(bytes);
    expect(frame).toMatchObject({ kind: 'text', masked: true, text: 'Hello' });
    const key = frame.segments.find((s) => s.role === 'mask');
    expect(formatHex(key?.bytes ?? new Uint8Array())).toBe('37 FA 21 3D');
    expect(frame.segments.at(-1)?.label).toBe('payload XOR key, 5 bytes');
  });

  it('reads a 16-bit extended length, and names control frames', () => {
    const payload = new Uint8Array(256).fill(0x61);
    const frame = parseHybiFrame(Uint8Array.of(0x81, 126, 0x01, 0x00, ...payload));
    expect(frame.segments.map((s) => s.label)).toContain('extended length 256 (16-bit)');
    expect(parseHybiFrame(Uint8Array.of(0x89, 0x00)).kind).toBe('ping');
    expect(parseHybiFrame(Uint8Array.of(0x88, 0x02, 0x03, 0xe8)).kind).toBe('close');
  });

  it('calls bytes that are not one whole frame unknown', () => {
    expect(parseHybiFrame(Uint8Array.of(0x81)).kind).toBe('unknown');
    expect(parseHybiFrame(Uint8Array.of(0x81, 0x05, 0x48)).kind).toBe('unknown');
  });
});
