/**
 * Whole seconds left until a moment, refreshed a few times a second while it lasts.
 */
import { useEffect, useState } from 'react';
import { COUNTDOWN_TICK_MS } from '../lib/constants.js';

/** Seconds (rounded up) until `deadline`, or null without one. */
export function useCountdown(deadline: number | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (deadline === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), COUNTDOWN_TICK_MS);
    return () => clearInterval(timer);
  }, [deadline]);
  if (deadline === null) return null;
  return Math.max(0, Math.ceil((deadline - now) / 1000));
}
