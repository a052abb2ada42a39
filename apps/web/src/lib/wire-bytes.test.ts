import { describe, expect, it } from 'vitest';
import {
  createRfc6455Header,
  decodeBase64,
  describeRfc6455Frame,
  formatHex,
  formatHexPreview,
  MASKING_KEY_BYTES,
  maskPayload,
  parseHixieFrame,
  readFrameType,
} from './wire-bytes.js';

const hello = new TextEncoder().encode('Hello');

describe('decodeBase64', () => {
  it('decodes bytes including 00 and FF', () => {
    expect(Array.from(decodeBase64('AEhlbGxv/w=='))).toEqual([0, 72, 101, 108, 108, 111, 255]);
  });
});

describe('formatHex', () => {
  it('prints two upper-case digits per byte', () => {
    expect(formatHex(Uint8Array.of(0, 0x7b, 0xff, 5))).toBe('00 7B FF 05');
  });
});

describe('formatHexPreview', () => {
  it('prints short runs whole and elides long ones with a count', () => {
    expect(formatHexPreview(Uint8Array.of(1, 2), 2)).toBe('01 02');
    expect(formatHexPreview(Uint8Array.of(1, 2, 3, 4), 2)).toBe('01 02 … +2 bytes');
  });
});

describe('parseHixieFrame', () => {
  it('splits a text frame into 00, the UTF-8 payload and FF', () => {
    const frame = parseHixieFrame(Uint8Array.of(0x00, ...hello, 0xff));
    expect(frame.kind).toBe('text');
    expect(frame.text).toBe('Hello');
    expect(frame.segments.map((s) => formatHex(s.bytes))).toEqual(['00', '48 65 6C 6C 6F', 'FF']);
  });

  it('decodes multi-byte UTF-8 in the payload', () => {
    const payload = new TextEncoder().encode('héllo 🎉');
    expect(parseHixieFrame(Uint8Array.of(0, ...payload, 0xff)).text).toBe('héllo 🎉');
  });

  it('recognises the draft-76 closing handshake FF 00', () => {
    expect(parseHixieFrame(Uint8Array.of(0xff, 0x00)).kind).toBe('close');
  });

  it('calls anything else unknown', () => {
    expect(parseHixieFrame(Uint8Array.of(0x81, 0x05)).kind).toBe('unknown');
    expect(parseHixieFrame(Uint8Array.of(0x00)).kind).toBe('unknown');
  });
});

describe('createRfc6455Header', () => {
  // RFC 6455 §5.7: "A single-frame unmasked text message" containing "Hello".
  it('matches the single-frame unmasked "Hello" example of §5.7', () => {
    expect(formatHex(createRfc6455Header(hello.length))).toBe('81 05');
  });

  // RFC 6455 §5.7: the masked "Hello" starts 0x81 0x85, then the 4-byte key.
  it('sets the MASK bit for a client frame', () => {
    expect(formatHex(createRfc6455Header(hello.length, true))).toBe('81 85');
  });

  it('uses a 16-bit extended length from 126 bytes', () => {
    expect(formatHex(createRfc6455Header(125))).toBe('81 7D');
    expect(formatHex(createRfc6455Header(126))).toBe('81 7E 00 7E');
    // §5.7: "256 bytes binary message in a single unmasked frame" is 0x82 0x7E 0x0100.
    expect(formatHex(createRfc6455Header(256))).toBe('81 7E 01 00');
    expect(formatHex(createRfc6455Header(65_535))).toBe('81 7E FF FF');
  });

  it('uses a 64-bit extended length from 65536 bytes', () => {
    // §5.7: "64KiB binary message in a single unmasked frame" is 0x82 0x7F 0x0000000000010000.
    expect(formatHex(createRfc6455Header(65_536))).toBe('81 7F 00 00 00 00 00 01 00 00');
  });
});

// RFC 6455 §5.7: "A single-frame masked text message" is 0x81 0x85 0x37 0xfa 0x21 0x3d 0x7f
// 0x9f 0x4d 0x51 0x58 (contains "Hello").
const exampleKey = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);

describe('maskPayload', () => {
  it('masks "Hello" as the example of §5.7 does', () => {
    expect(formatHex(maskPayload(hello, exampleKey))).toBe('7F 9F 4D 51 58');
  });

  it('unmasks with the same key', () => {
    expect(maskPayload(maskPayload(hello, exampleKey), exampleKey)).toEqual(hello);
  });

  it('refuses a key that is not 4 bytes', () => {
    expect(() => maskPayload(hello, Uint8Array.of(1, 2, 3))).toThrow(RangeError);
  });
});

describe('describeRfc6455Frame', () => {
  it('labels the header bytes of a server frame and carries the payload unmasked', () => {
    const segments = describeRfc6455Frame(hello, null);
    expect(segments.map((s) => formatHex(s.bytes))).toEqual(['81', '05', '48 65 6C 6C 6F']);
    expect(segments[1]?.label).toBe('MASK=0, length 5');
  });

  it('gives a client frame MASK=1, the key and the masked payload: the bytes of §5.7', () => {
    const segments = describeRfc6455Frame(hello, exampleKey);
    expect(segments.map((s) => s.role)).toEqual(['header', 'header', 'mask', 'payload']);
    expect(segments[1]?.label).toBe('MASK=1, length 5');
    expect(segments[2]?.bytes).toHaveLength(MASKING_KEY_BYTES);
    expect(segments.map((s) => formatHex(s.bytes)).join(' ')).toBe(
      '81 85 37 FA 21 3D 7F 9F 4D 51 58',
    );
  });

  it('adds the extended length bytes as their own segment', () => {
    const segments = describeRfc6455Frame(new Uint8Array(300), null);
    expect(segments.map((s) => s.role)).toEqual(['header', 'header', 'length', 'payload']);
    expect(formatHex(segments[1]?.bytes ?? new Uint8Array())).toBe('7E');
    expect(formatHex(segments[2]?.bytes ?? new Uint8Array())).toBe('01 2C');
    const masked = describeRfc6455Frame(new Uint8Array(300), exampleKey);
    expect(masked.map((s) => s.role)).toEqual(['header', 'header', 'length', 'mask', 'payload']);
    expect(formatHex(masked[1]?.bytes ?? new Uint8Array())).toBe('FE');
  });
});

describe('readFrameType', () => {
  it('reads the type of a chat frame', () => {
    expect(readFrameType('{"type":"say","id":"1","text":"x"}')).toBe('say');
  });

  it('returns null for text that is not a typed JSON object', () => {
    expect(readFrameType('nope')).toBeNull();
    expect(readFrameType('[1]')).toBeNull();
    expect(readFrameType(null)).toBeNull();
  });
});
