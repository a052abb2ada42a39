/**
 * Reconnect delays: exponential with a cap, and a little jitter so a room full of tabs that
 * lost the server together does not knock on its door in the same millisecond.
 */
import { RECONNECT_BASE_DELAY_MS, RECONNECT_JITTER, RECONNECT_MAX_DELAY_MS } from './constants.js';

/** The delay before reconnect attempt `attempt` (1 for the first), in milliseconds. */
export function computeReconnectDelay(attempt: number, random: () => number = Math.random): number {
  const exponent = Math.max(0, attempt - 1);
  const raw = Math.min(RECONNECT_MAX_DELAY_MS, RECONNECT_BASE_DELAY_MS * 2 ** exponent);
  const jitter = 1 - RECONNECT_JITTER + 2 * RECONNECT_JITTER * random();
  return Math.round(Math.min(RECONNECT_MAX_DELAY_MS, raw * jitter));
}
