/**
 * Structured logs: one JSON object per line on stdout (pino), so that a log shipper or `jq`
 * can read them. Tests use the level `silent`.
 */
import { type DestinationStream, type Logger, pino } from 'pino';
import { type LogLevel, PRODUCT_NAME } from './constants.js';

export type { Logger } from 'pino';

/** Creates the server's logger at `level`, writing to stdout unless a destination is given. */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options = { level, base: { service: PRODUCT_NAME } };
  return destination === undefined ? pino(options) : pino(options, destination);
}
