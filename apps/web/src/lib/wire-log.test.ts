import { describe, expect, it } from 'vitest';
import { WIRE_LOG_LIMIT } from './constants.js';
import { MASKING_KEY_BYTES } from './wire-bytes.js';
import { appendWireEntry, createMaskingKey, type WireEntry } from './wire-log.js';

describe('appendWireEntry', () => {
  it('decodes the bytes and keeps only the newest entries', () => {
    let log: WireEntry[] = [];
    for (let i = 0; i < WIRE_LOG_LIMIT + 5; i += 1) {
      log = appendWireEntry(
        log,
        { type: 'wire', dir: 'in', protocol: 'hixie-75', bytes: 'AP8=' },
        i,
      );
    }
    expect(log).toHaveLength(WIRE_LOG_LIMIT);
    expect(log[0]?.at).toBe(5);
    expect(log.at(-1)?.key).toBe(WIRE_LOG_LIMIT + 5);
    expect(Array.from(log[0]?.bytes ?? [])).toEqual([0x00, 0xff]);
  });
});

describe('masking keys', () => {
  it('gives a frame the relay wrote (a client frame) a key, and one it read none', () => {
    const key = Uint8Array.of(1, 2, 3, 4);
    const frame = { type: 'wire', protocol: 'hixie-76', bytes: 'AP8=' } as const;
    const log = appendWireEntry(
      appendWireEntry([], { ...frame, dir: 'out' }, 1, () => key),
      { ...frame, dir: 'in' },
      2,
      () => key,
    );
    expect(log.map((entry) => entry.maskingKey)).toEqual([key, null]);
  });

  it('gives a hybi leg’s frames none: their bytes carry their own', () => {
    const log = appendWireEntry(
      [],
      { type: 'wire', dir: 'out', protocol: 'hybi-07', bytes: 'gYA3+iE9' },
      1,
    );
    expect(log[0]?.maskingKey).toBeNull();
  });

  it('draws fresh 4-byte keys', () => {
    const keys = Array.from({ length: 8 }, createMaskingKey);
    expect(keys.every((key) => key.length === MASKING_KEY_BYTES)).toBe(true);
    expect(new Set(keys.map((key) => key.join())).size).toBeGreaterThan(1);
  });
});
