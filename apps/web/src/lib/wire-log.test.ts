import { describe, expect, it } from 'vitest';
import { WIRE_LOG_LIMIT } from './constants.js';
import { appendWireEntry, type WireEntry } from './wire-log.js';

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
