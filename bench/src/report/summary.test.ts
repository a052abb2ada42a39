import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../runner.js';
import { baselineKeys, summarizeRuns } from './summary.js';

const run = (
  subject: RunRecord['subject'],
  repetition: number,
  metrics: Record<string, number>,
): RunRecord => ({
  scenario: 'burst-500',
  subject,
  repetition,
  attempt: 1,
  metrics,
  notes: [],
});

describe('baselineKeys', () => {
  it('falls back from a hixie-76 figure to the RFC 6455 one, then the total', () => {
    expect(baselineKeys('hixie76.p99Ms')).toEqual(['hixie76.p99Ms', 'rfc6455.p99Ms', 'p99Ms']);
    expect(baselineKeys('p99Ms')).toEqual(['p99Ms']);
  });
});

describe('summarizeRuns', () => {
  it('takes medians over repetitions and divides by both references medians', () => {
    const summary = summarizeRuns([
      run('ws', 1, { deliveriesPerSecond: 100, 'rfc6455.p99Ms': 1000 }),
      run('ws', 2, { deliveriesPerSecond: 80, 'rfc6455.p99Ms': 900 }),
      run('ws', 3, { deliveriesPerSecond: 120, 'rfc6455.p99Ms': 1100 }),
      run('bound', 1, { deliveriesPerSecond: 2000, 'hixie76.p99Ms': 40 }),
      run('draftbridge', 1, { deliveriesPerSecond: 1000, 'hixie76.p99Ms': 100 }),
      run('draftbridge', 2, { deliveriesPerSecond: 1500, 'hixie76.p99Ms': 50 }),
      { ...run('draftbridge', 3, {}), error: 'crashed' },
      // An attempt the machine disturbed is kept in the records but not summarized.
      { ...run('draftbridge', 2, { deliveriesPerSecond: 1 }), discarded: true },
    ]);
    const burst = summary['burst-500'];
    expect(burst?.ws?.deliveriesPerSecond).toMatchObject({
      median: 100,
      min: 80,
      max: 120,
      vsNaive: 1,
      vsBound: 0.05,
    });
    expect(burst?.draftbridge?.deliveriesPerSecond).toMatchObject({
      median: 1250,
      vsNaive: 12.5,
      vsBound: 0.625,
    });
    // naive ws has no hixie-76 path: its RFC 6455 figure; the bound has its own.
    expect(burst?.draftbridge?.['hixie76.p99Ms']?.vsNaive).toBeCloseTo(0.075);
    expect(burst?.draftbridge?.['hixie76.p99Ms']?.vsBound).toBeCloseTo(1.875);
  });
});
