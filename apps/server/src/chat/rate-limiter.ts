/**
 * A token bucket (docs/PROTOCOL.md, "Limits and defaults": rate). The bucket starts full with
 * `burst` tokens and refills at `ratePerSecond`; each incoming message takes one. Refill is
 * computed from the clock when a token is asked for, so an idle connection costs no timer.
 */

/** How fast a bucket refills and how much it holds. */
export interface RateLimit {
  /** Sustained rate, in messages a second. */
  readonly ratePerSecond: number;
  /** Bucket size: how many messages may arrive at once after a quiet spell. */
  readonly burst: number;
}

/** One connection's token bucket. */
export interface RateLimiter {
  /** Takes one token; false when the bucket is empty and the message must be dropped. */
  take(): boolean;
}

/** Creates a full bucket. `now` is a monotonic clock in milliseconds. */
export function createRateLimiter(
  limit: RateLimit,
  now: () => number = () => performance.now(),
): RateLimiter {
  let tokens = limit.burst;
  let refilledAt = now();
  const perMillisecond = limit.ratePerSecond / 1000;
  return {
    take() {
      const at = now();
      tokens = Math.min(limit.burst, tokens + (at - refilledAt) * perMillisecond);
      refilledAt = at;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
