/**
 * The presence heartbeat of one instance. Every `intervalMs` it runs `beat`: for each room with
 * members here, extend their presence, reap the members whose instance stopped beating, and
 * catch up when the room's seq is ahead of what was delivered. Beats never overlap: a beat
 * still running when the next is due (Redis slow or down) makes that one skip.
 */

/** A running heartbeat. */
export interface Heartbeat {
  /** Runs a beat now (after a reconnection), unless one is running. */
  beatNow(): void;
  /** Stops the timer; a running beat finishes on its own. */
  stop(): void;
}

/** Starts beating every `intervalMs`; `onFailure` hears of each beat that threw. */
export function startHeartbeat(
  intervalMs: number,
  beat: () => Promise<void>,
  onFailure: (error: unknown) => void,
): Heartbeat {
  let running = false;
  let stopped = false;

  const beatNow = () => {
    if (running || stopped) return;
    running = true;
    beat()
      .catch(onFailure)
      .finally(() => {
        running = false;
      });
  };

  const timer = setInterval(beatNow, intervalMs);
  // Presence must not keep the process alive on its own.
  timer.unref();

  return {
    beatNow,
    stop() {
      stopped = true;
      clearInterval(timer);
    },
  };
}
