import { describe, expect, it } from 'vitest';
import { DeadlineQueue } from './deadline-queue.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('DeadlineQueue', () => {
  it('times out each waiter once, in the order they came, no sooner than the timeout', async () => {
    const timedOut: { name: string; after: number }[] = [];
    const started = new Map<string, number>();
    const deadlines = new DeadlineQueue<{ name: string }>(120, (w) =>
      timedOut.push({ name: w.name, after: performance.now() - (started.get(w.name) ?? 0) }),
    );
    for (const name of ['a', 'b', 'c']) {
      started.set(name, performance.now());
      deadlines.add({ name });
      await sleep(40);
    }
    await sleep(250);
    expect(timedOut.map((t) => t.name)).toEqual(['a', 'b', 'c']);
    for (const t of timedOut) expect(t.after).toBeGreaterThanOrEqual(119);
    expect(deadlines.size).toBe(0);
  });

  it('never times out a waiter deleted before its time, and stops its timer when none wait', async () => {
    const timedOut: string[] = [];
    const deadlines = new DeadlineQueue<{ name: string }>(80, (w) => timedOut.push(w.name));
    const a = { name: 'a' };
    const b = { name: 'b' };
    deadlines.add(a);
    deadlines.add(b);
    deadlines.delete(a);
    await sleep(150);
    expect(timedOut).toEqual(['b']);
    const c = { name: 'c' };
    deadlines.add(c);
    deadlines.delete(c);
    await sleep(120);
    expect(timedOut).toEqual(['b']);
  });

  it('holds no timer for an infinite timeout', () => {
    const deadlines = new DeadlineQueue<object>(Number.POSITIVE_INFINITY, () => {});
    deadlines.add({});
    expect(deadlines.size).toBe(0);
  });
});
