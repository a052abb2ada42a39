import { describe, expect, it } from 'vitest';
import { planBatches } from './capacity.js';

describe('planBatches', () => {
  it('alternates the protocols, each with its half of the connections', () => {
    expect(planBatches(['rfc6455', 'hixie76'], 1000, 250)).toEqual([
      'rfc6455',
      'hixie76',
      'rfc6455',
      'hixie76',
    ]);
  });

  it('gives a one-protocol server every connection and rounds a last batch up', () => {
    expect(planBatches(['rfc6455'], 600, 250)).toEqual(['rfc6455', 'rfc6455', 'rfc6455']);
  });
});
