/**
 * Fake timers per test: vitest leaves installing and removing them to each test file.
 */
import { afterEach, beforeEach, vi } from 'vitest';

/**
 * Registers hooks that put each test of the enclosing `describe` on vitest's fake timers and
 * give it the real ones back after; hooks registered after this one run on the fake timers.
 */
export function useFakeTimersPerTest(): void {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });
}
