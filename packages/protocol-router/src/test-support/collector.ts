/** Collects values as they arrive and lets a test await the first n, with a deadline. */
export class Collector<T> {
  /** Everything collected so far, in order. */
  readonly items: T[] = [];
  #waiters: Array<{ count: number; resolve: (items: T[]) => void }> = [];

  /** Adds one value and wakes the waiters it satisfies. */
  push = (item: T): void => {
    this.items.push(item);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (this.items.length < waiter.count) return true;
      waiter.resolve(this.items.slice(0, waiter.count));
      return false;
    });
  };

  /** Resolves with the first `count` values, or rejects when they do not all come in time. */
  take(count: number, timeoutMs = 3000): Promise<T[]> {
    if (this.items.length >= count) return Promise.resolve(this.items.slice(0, count));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(`expected ${count} items within ${timeoutMs} ms, got ${this.items.length}`),
        );
      }, timeoutMs);
      this.#waiters.push({
        count,
        resolve: (items) => {
          clearTimeout(timer);
          resolve(items);
        },
      });
    });
  }
}
