import { describe, expect, it, vi } from 'vitest';
import { useFakeTimersPerTest } from '../../test-support/fake-timers.js';
import { startHeartbeat } from './heartbeat.js';

describe('startHeartbeat', () => {
  useFakeTimersPerTest();

  it('beats every interval and stops when told', async () => {
    const beat = vi.fn(async () => {});
    const heartbeat = startHeartbeat(100, beat, () => {});
    await vi.advanceTimersByTimeAsync(350);
    expect(beat).toHaveBeenCalledTimes(3);
    heartbeat.stop();
    await vi.advanceTimersByTimeAsync(500);
    expect(beat).toHaveBeenCalledTimes(3);
  });

  it('never overlaps two beats, and beats on demand when idle', async () => {
    let finish: () => void = () => {};
    const beat = vi.fn(
      () =>
        new Promise<void>((resolve) => {
          finish = resolve;
        }),
    );
    const heartbeat = startHeartbeat(100, beat, () => {});
    await vi.advanceTimersByTimeAsync(450);
    heartbeat.beatNow();
    expect(beat).toHaveBeenCalledTimes(1);
    finish();
    await vi.advanceTimersByTimeAsync(0);
    heartbeat.beatNow();
    expect(beat).toHaveBeenCalledTimes(2);
    heartbeat.stop();
  });

  it('reports a failed beat and goes on beating', async () => {
    const failures: unknown[] = [];
    const beat = vi.fn(async () => {
      throw new Error('redis down');
    });
    const heartbeat = startHeartbeat(100, beat, (error) => failures.push(error));
    await vi.advanceTimersByTimeAsync(250);
    expect(beat).toHaveBeenCalledTimes(2);
    expect(failures).toHaveLength(2);
    heartbeat.stop();
  });
});
