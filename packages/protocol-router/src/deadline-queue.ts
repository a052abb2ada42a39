/**
 * Timeouts of one length for many waiters on one timer: the router's handshake timeout, the
 * chat's join timeout.
 *
 * Every waiter of a queue waits the same `timeoutMs`, so the order in which they start waiting
 * is the order in which they are due: a queue, and one timer set for its head, do what a timer
 * per waiter would, without a timer object and a closure per connection (a few hundred bytes,
 * and some microseconds to make and clear). A waiter that is done is deleted at once.
 */
export class DeadlineQueue<T extends object> {
  readonly #timeoutMs: number;
  readonly #onTimeout: (waiting: T) => void;
  // Who is waiting, with the time each is due (performance.now() ms).
  readonly #waiting = new Map<T, number>();
  #timer: NodeJS.Timeout | undefined;

  constructor(timeoutMs: number, onTimeout: (waiting: T) => void) {
    this.#timeoutMs = timeoutMs;
    this.#onTimeout = onTimeout;
  }

  /** How many are waiting. */
  get size(): number {
    return this.#waiting.size;
  }

  /** True while `waiting` waits. */
  has(waiting: T): boolean {
    return this.#waiting.has(waiting);
  }

  /** `waiting` is due `timeoutMs` from now. */
  add(waiting: T): void {
    if (!Number.isFinite(this.#timeoutMs)) return;
    this.#waiting.set(waiting, performance.now() + this.#timeoutMs);
    this.#timer ??= this.#arm(this.#timeoutMs);
  }

  /** `waiting` no longer waits. */
  delete(waiting: T): void {
    this.#waiting.delete(waiting);
    if (this.#waiting.size === 0 && this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #arm(delayMs: number): NodeJS.Timeout {
    const timer = setTimeout(() => this.#expire(), Math.max(0, delayMs));
    timer.unref();
    return timer;
  }

  // A Map iterates in insertion order: the first entries are the first due.
  #expire(): void {
    this.#timer = undefined;
    const now = performance.now();
    for (const [waiting, due] of this.#waiting) {
      if (due > now) {
        this.#timer = this.#arm(due - now);
        return;
      }
      this.#waiting.delete(waiting);
      this.#onTimeout(waiting);
    }
  }
}
