/**
 * Every count, rate and time limit of the benchmark, in one place. The full figures are the
 * issue's (issue 7); `--quick` scales them down to try things in well under a minute.
 */

/** The wire protocols the generator speaks. */
export const WIRE_PROTOCOLS = ['rfc6455', 'hixie76'] as const;

/** One of the wire protocols the generator speaks. */
export type WireProtocol = (typeof WIRE_PROTOCOLS)[number];

/** The scenarios, in the order they run inside one repetition. */
export const SCENARIO_NAMES = ['burst', 'slow-reader', 'paced', 'capacity'] as const;

/** One of the scenarios. */
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** Every count a run needs; the full and quick plans are two values of it. */
export interface BenchPlan {
  readonly repetitions: number;
  readonly burstReceivers: number;
  readonly burstSenders: number;
  readonly burstMessagesPerSender: number;
  readonly pacedReceivers: number;
  readonly pacedSenders: number;
  readonly pacedMessagesPerSecond: number;
  readonly pacedSeconds: number;
  readonly capacityConnections: number;
}

/** The scenarios, three repetitions (a median needs at least three). */
export const FULL_PLAN: BenchPlan = {
  repetitions: 3,
  burstReceivers: 500,
  burstSenders: 10,
  burstMessagesPerSender: 200,
  pacedReceivers: 1000,
  pacedSenders: 10,
  pacedMessagesPerSecond: 200,
  pacedSeconds: 10,
  capacityConnections: 5000,
};

/** Smaller counts and one repetition, for trying things. */
export const QUICK_PLAN: BenchPlan = {
  repetitions: 1,
  burstReceivers: 100,
  burstSenders: 5,
  burstMessagesPerSender: 100,
  pacedReceivers: 200,
  pacedSenders: 5,
  pacedMessagesPerSecond: 100,
  pacedSeconds: 3,
  capacityConnections: 1000,
};

/** Message text length in bytes, before any chat envelope ("about 100 bytes"). */
export const MESSAGE_TEXT_BYTES = 100;

/** One receiver in this many (counted per protocol) decodes its frames for latency. */
export const LATENCY_SAMPLE_EVERY = 10;

/** Handshakes in flight at once while opening connections: the same for every subject. */
export const CONNECT_CONCURRENCY = 64;

/** Rooms on draftbridge are named this plus a random suffix, fresh for every run (Redis keeps rooms). */
export const BENCH_ROOM_PREFIX = 'bench-';

/** A full run must end within this budget; repetitions that would not fit are dropped. */
export const FULL_RUN_BUDGET_MS = 9.5 * 60_000;

/** Above this 1-minute load average at the start, the bench warns that figures will be noisy. */
export const BUSY_LOAD_AVERAGE = 1;

/** Longest wait for a burst's deliveries once the burst is sent. */
export const BURST_TIMEOUT_MS = 45_000;

/** Longest wait, after the last paced message is sent, for its deliveries. */
export const PACED_DRAIN_TIMEOUT_MS = 10_000;

/** Longest wait for one connection's handshake (and join) to complete. */
export const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Longest wait for a server process to answer its health check. */
export const SERVER_START_TIMEOUT_MS = 15_000;

/** Longest wait, in the Redis probe, for a message said on one instance to reach the other. */
export const PROBE_RELAY_TIMEOUT_MS = 5_000;

/** Longest wait for a server process to exit after SIGTERM before SIGKILL. */
export const SERVER_STOP_TIMEOUT_MS = 3_000;

/** After joins, the room is quiet (no presence left in flight) once no frame came for this long. */
export const QUIET_PERIOD_MS = 300;

/** Longest wait for that quiet period. */
export const QUIET_TIMEOUT_MS = 20_000;

/** Capacity opens connections in batches of this many, alternating protocols. */
export const CAPACITY_BATCH = 250;

/** Pause after each capacity batch before the server's memory is read. */
export const CAPACITY_BATCH_SETTLE_MS = 100;

/** How long idle connections sit before the server's memory is read. */
export const MEMORY_SETTLE_MS = 750;

/** How often the server's /proc figures are sampled during a scenario. */
export const PROC_SAMPLE_INTERVAL_MS = 100;

/** The read buffer every generator socket shares (see bench-connection.ts). */
export const READ_BUFFER_BYTES = 64 * 1024;

/** Where the naive peers answer a health check, like draftbridge's /healthz. */
export const HEALTH_PATH = '/healthz';

/** Limits handed to draftbridge through its environment so the bench measures fan-out, not policing. */
export const DRAFTBRIDGE_BENCH_ENV = {
  RATE_PER_SECOND: '1000000',
  RATE_BURST: '1000000',
  MAX_CONNECTIONS: '100000',
  // 16 MiB of backlog per connection: far more than a burst queues, still a bound.
  SLOW_READER_BYTES: String(16 * 1024 * 1024),
  LOG_LEVEL: 'warn',
} as const;
