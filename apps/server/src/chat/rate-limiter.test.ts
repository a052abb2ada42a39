import { DEFAULT_RATE_BURST, DEFAULT_RATE_PER_SECOND } from '@draftbridge/shared-types';
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limiter.js';

function takeMany(take: () => boolean, count: number): number {
  let taken = 0;
  for (let i = 0; i < count; i += 1) if (take()) taken += 1;
  return taken;
}

describe('createRateLimiter', () => {
  it('lets a full burst through at once, then refuses', () => {
    let clock = 0;
    const limiter = createRateLimiter(
      { ratePerSecond: DEFAULT_RATE_PER_SECOND, burst: DEFAULT_RATE_BURST },
      () => clock,
    );
    expect(takeMany(() => limiter.take(), DEFAULT_RATE_BURST + 10)).toBe(DEFAULT_RATE_BURST);
    clock += 1;
    expect(limiter.take()).toBe(false);
  });

  it('refills at the configured rate', () => {
    let clock = 0;
    const limiter = createRateLimiter({ ratePerSecond: 20, burst: 40 }, () => clock);
    takeMany(() => limiter.take(), 40);
    clock += 49;
    expect(limiter.take()).toBe(false);
    clock += 1; // 50 ms at 20/s is exactly one token
    expect(limiter.take()).toBe(true);
    expect(limiter.take()).toBe(false);
    clock += 1000;
    expect(takeMany(() => limiter.take(), 100)).toBe(20);
  });

  it('never holds more than the burst however long it waits', () => {
    let clock = 0;
    const limiter = createRateLimiter({ ratePerSecond: 20, burst: 5 }, () => clock);
    clock += 3_600_000;
    expect(takeMany(() => limiter.take(), 100)).toBe(5);
  });

  it('sustains exactly the rate over a long run', () => {
    let clock = 0;
    const limiter = createRateLimiter({ ratePerSecond: 20, burst: 40 }, () => clock);
    takeMany(() => limiter.take(), 40);
    let taken = 0;
    // One attempt every 10 ms for 10 s: 1000 attempts, 200 tokens.
    for (let i = 0; i < 1000; i += 1) {
      clock += 10;
      if (limiter.take()) taken += 1;
    }
    expect(taken).toBe(200);
  });
});
