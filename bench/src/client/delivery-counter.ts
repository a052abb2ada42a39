/**
 * Counts text messages arriving at a group of connections, remembers when the last one came,
 * and resolves a wait once a target count is reached. Counting is a few additions per socket
 * read, never per frame, so it stays off the generator's hot path.
 */
import { performance } from 'node:perf_hooks';

/** A running count of deliveries to a group of connections. */
export class DeliveryCounter {
  /** Messages counted since the last reset. */
  count = 0;
  /** performance.now() of the read that brought the latest message. */
  lastAt = 0;
  readonly #parent: DeliveryCounter | null;
  #target = Number.POSITIVE_INFINITY;
  #onReached: (() => void) | null = null;

  /** A counter whose additions are also added to `parent` (e.g. one per protocol, one total). */
  constructor(parent: DeliveryCounter | null = null) {
    this.#parent = parent;
  }

  /** Adds `n` messages that arrived at `now`. */
  add(n: number, now: number): void {
    this.count += n;
    this.lastAt = now;
    this.#parent?.add(n, now);
    if (this.count >= this.#target && this.#onReached !== null) {
      const onReached = this.#onReached;
      this.#onReached = null;
      onReached();
    }
  }

  /** Forgets everything counted so far. */
  reset(): void {
    this.count = 0;
    this.lastAt = 0;
  }

  /** Resolves true once `target` messages are counted, or false after `timeoutMs`. */
  until(target: number, timeoutMs: number): Promise<boolean> {
    if (this.count >= target) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#onReached = null;
        this.#target = Number.POSITIVE_INFINITY;
        resolve(false);
      }, timeoutMs);
      this.#target = target;
      this.#onReached = () => {
        clearTimeout(timer);
        this.#target = Number.POSITIVE_INFINITY;
        resolve(true);
      };
    });
  }
}

/** Milliseconds on the generator's clock, shared by senders and receivers. */
export function now(): number {
  return performance.now();
}
