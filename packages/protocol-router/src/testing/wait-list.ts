/**
 * Waits on what arriving data makes true, without polling: each `until()` registers a check,
 * and every `notify()` (called when data arrives or a socket closes) runs the checks again.
 */

/** A set of pending checks. */
export interface WaitList {
  /** Runs every pending check again. */
  notify(): void;
  /**
   * Resolves with the first value `check()` returns that is not undefined; rejects with
   * `failure()`'s message after `timeoutMs`.
   */
  until<T>(check: () => T | undefined, timeoutMs: number, failure: () => string): Promise<T>;
}

/** Creates an empty wait list. */
export function createWaitList(): WaitList {
  const waiters = new Set<() => void>();
  return {
    notify() {
      for (const waiter of [...waiters]) waiter();
    },
    until(check, timeoutMs, failure) {
      return new Promise((resolve, reject) => {
        const attempt = () => {
          const value = check();
          if (value === undefined) return;
          waiters.delete(attempt);
          clearTimeout(timer);
          resolve(value);
        };
        const timer = setTimeout(() => {
          waiters.delete(attempt);
          reject(new Error(failure()));
        }, timeoutMs);
        waiters.add(attempt);
        attempt();
      });
    },
  };
}
