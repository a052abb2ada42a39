/**
 * The join timeout of every session still waiting for its `join`, on one timer.
 *
 * Every session waits the same `timeoutMs`, so the order in which sessions start waiting is
 * the order in which they are due: a queue, and one timer set for its head, do what a timer per
 * session would, without a timer object and a closure per connection. A session that joins (or
 * closes) is deleted from the set at once and skipped when its place in the queue comes up.
 */
export class JoinDeadlines<T extends object> {
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

  /** `waiting` is due `timeoutMs` from now. */
  add(waiting: T): void {
    if (!Number.isFinite(this.#timeoutMs)) return;
    this.#waiting.set(waiting, performance.now() + this.#timeoutMs);
    this.#timer ??= this.#arm(this.#timeoutMs);
  }

  /** `waiting` no longer waits (it joined or closed). */
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
