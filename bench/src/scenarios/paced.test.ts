import { describe, expect, it } from 'vitest';
import type { WireProtocol } from '../constants.js';
import { SampleList } from '../stats.js';
import { addCensoredSamples } from './paced.js';

describe('addCensoredSamples', () => {
  it('counts each message a sampler is missing as the wait so far, the last sent first missing', () => {
    const rfc = new SampleList();
    const hixie = new SampleList();
    const latency = new Map<WireProtocol, SampleList>([
      ['rfc6455', rfc],
      ['hixie76', hixie],
    ]);
    const room = {
      latency,
      samplerCounts: () => [
        { protocol: 'rfc6455' as const, received: 2 },
        { protocol: 'hixie76' as const, received: 4 },
      ],
    };
    addCensoredSamples(room, Float64Array.from([0, 100, 200, 300]), 1000);
    expect([...rfc.toArray()]).toEqual([800, 700]);
    expect(hixie.toArray().length).toBe(0);
  });
});
