import { describe, expect, it } from 'vitest';
import { computeReconnectDelay } from './backoff.js';
import { RECONNECT_BASE_DELAY_MS, RECONNECT_MAX_DELAY_MS } from './constants.js';

describe('computeReconnectDelay', () => {
  it('doubles from the base delay and stops at the cap', () => {
    const noJitter = () => 0.5;
    expect([1, 2, 3, 4].map((a) => computeReconnectDelay(a, noJitter))).toEqual([
      RECONNECT_BASE_DELAY_MS,
      RECONNECT_BASE_DELAY_MS * 2,
      RECONNECT_BASE_DELAY_MS * 4,
      RECONNECT_BASE_DELAY_MS * 8,
    ]);
    expect(computeReconnectDelay(40, noJitter)).toBe(RECONNECT_MAX_DELAY_MS);
  });

  it('spreads delays by up to 20% either way, never past the cap', () => {
    expect(computeReconnectDelay(1, () => 0)).toBe(RECONNECT_BASE_DELAY_MS * 0.8);
    expect(computeReconnectDelay(1, () => 1)).toBe(RECONNECT_BASE_DELAY_MS * 1.2);
    expect(computeReconnectDelay(40, () => 1)).toBe(RECONNECT_MAX_DELAY_MS);
  });
});
