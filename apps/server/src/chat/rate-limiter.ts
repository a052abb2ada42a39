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

const monotonic = () => performance.now();

/** One connection's token bucket: a few numbers, no timer, no closure. */
export class RateLimiter {
  readonly #burst: number;
  readonly #perMillisecond: number;
  readonly #now: () => number;
  #tokens: number;
  #refilledAt: number;

  /** A full bucket. `now` is a monotonic clock in milliseconds. */
  constructor(limit: RateLimit, now: () => number = monotonic) {
    this.#burst = limit.burst;
    this.#perMillisecond = limit.ratePerSecond / 1000;
    this.#now = now;
    this.#tokens = limit.burst;
    this.#refilledAt = now();
  }

  /** Takes one token; false when the bucket is empty and the message must be dropped. */
  take(): boolean {
    const at = this.#now();
    this.#tokens = Math.min(
      this.#burst,
      this.#tokens + (at - this.#refilledAt) * this.#perMillisecond,
    );
    this.#refilledAt = at;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** Creates a full bucket. `now` is a monotonic clock in milliseconds. */
export function createRateLimiter(limit: RateLimit, now: () => number = monotonic): RateLimiter {
  return new RateLimiter(limit, now);
}
