import { describe, expect, it } from 'vitest';
import {
  joinSamples,
  percentile,
  SampleList,
  summarizeLatency,
  summarizeRepetitions,
} from './stats.js';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100)]).toEqual([
      50, 99, 100,
    ]);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('summarizeLatency', () => {
  it('sorts the samples and reads p50, p99 and max', () => {
    const list = new SampleList();
    for (let i = 2000; i >= 1; i -= 1) list.push(i);
    expect(summarizeLatency(list.toArray())).toEqual({
      p50: 1000,
      p99: 1980,
      max: 2000,
      samples: 2000,
    });
  });
});

describe('SampleList', () => {
  it('grows past its first block and forgets everything when cleared', () => {
    const list = new SampleList();
    for (let i = 0; i < 3000; i += 1) list.push(i);
    expect(list.toArray().length).toBe(3000);
    list.clear();
    expect(list.toArray().length).toBe(0);
    list.push(7);
    expect([...list.toArray()]).toEqual([7]);
  });
});

describe('summarizeRepetitions', () => {
  it('gives the median and range of the finite values', () => {
    expect(summarizeRepetitions([3, 1, 2])).toMatchObject({ median: 2, min: 1, max: 3 });
    expect(summarizeRepetitions([4, 1, Number.NaN, 2, 3])).toMatchObject({
      median: 2.5,
      min: 1,
      max: 4,
    });
    expect(summarizeRepetitions([Number.NaN])).toBeNull();
  });
});

describe('joinSamples', () => {
  it('puts several lists end to end', () => {
    const a = new SampleList();
    const b = new SampleList();
    a.push(1);
    b.push(2);
    b.push(3);
    expect([...joinSamples([a, b])]).toEqual([1, 2, 3]);
  });
});
