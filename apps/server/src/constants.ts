/**
 * Defaults of the server itself. The wire contract's limits (rate, history, sizes, handshake
 * timeout) live in @draftbridge/shared-types; these are the ones the contract leaves to the server.
 */

/**
 * The product's name, in one place: the metrics (`draftbridge_…`), the Redis keys
 * (`draftbridge:…`), the logs' `service`, the relay's header (`x-draftbridge-relay`) and the
 * messages of the entry point are named after it. A fork renames the server here (and the web
 * app in apps/web/src/lib/constants.ts).
 */
export const PRODUCT_NAME = 'draftbridge';

/** Default TCP port. */
export const DEFAULT_PORT = 8080;

/** Default interface: loopback, so a fresh checkout is not reachable from the network. */
export const DEFAULT_HOST = '127.0.0.1';

/** The log levels pino knows, quietest last. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** One pino log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Default log level. */
export const DEFAULT_LOG_LEVEL: LogLevel = 'info';

/** Default bound, in bytes, on what may wait in one connection's send buffer before it is dropped. */
export const DEFAULT_SLOW_READER_BYTES = 1024 * 1024;

/** Default most bytes of history one room retains. */
export const DEFAULT_ROOM_HISTORY_BYTES = 1024 * 1024;

/** Default most bytes of history all rooms of a process retain together, their own cost included. */
export const DEFAULT_TOTAL_HISTORY_BYTES = 64 * 1024 * 1024;

/** What a room with history costs to exist besides its messages (measured: about 2.3 KiB). */
export const ROOM_OVERHEAD_BYTES = 2048;

/** Default number of forgotten rooms whose last seq is kept, so that their seq continues. */
export const DEFAULT_MAX_FORGOTTEN_ROOMS = 100_000;

/** Default cap on open WebSocket connections per process. */
export const DEFAULT_MAX_CONNECTIONS = 10_000;

/**
 * How long an empty room keeps its history in memory, so that a member who reconnects can still
 * resume with `since`. After that only its last `seq` is kept (see memory-hub.ts).
 */
export const DEFAULT_EMPTY_ROOM_TTL_MS = 60 * 60 * 1000;

/** Prefix of every metric name on /metrics. */
export const METRIC_PREFIX = `${PRODUCT_NAME}_`;
