/**
 * Every count, rate and time limit of the benchmark, in one place. The full figures are the
 * issues' (7 and 14); `--quick` scales them down to try things in about two minutes.
 */

/** The wire protocols the generator speaks. */
export const WIRE_PROTOCOLS = ['rfc6455', 'hixie76'] as const;

/** One of the wire protocols the generator speaks. */
export type WireProtocol = (typeof WIRE_PROTOCOLS)[number];

/** The scenarios, in the order they run inside one repetition. */
export const SCENARIO_NAMES = [
  'burst-10',
  'burst-100',
  'burst-500',
  'burst-2000',
  'rooms-100x10',
  'slow-reader',
  'paced-light',
  'paced-heavy',
  'capacity',
] as const;

/** One of the scenarios. */
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

/** The share of a burst written first to warm every subject up (`--cold`: none). */
export const BURST_WARMUP_SHARE = 0.2;

/** Connections opened and closed before capacity is measured (`--cold`: none). */
export const CAPACITY_WARMUP_CONNECTIONS = 500;

/** Every count a run needs; the full and quick plans are two values of it. */
export interface BenchPlan {
  readonly repetitions: number;
  /** Deliveries one burst run makes, all rooms together: messages per sender follow from it. */
  readonly burstDeliveries: number;
  /** Members of a room that send in a burst (all of them in a smaller room). */
  readonly burstSendersPerRoom: number;
  /**
   * Bursts measured back to back in one window, for the subjects that carry the burst targets
   * (WAVE_SUBJECTS); the others make one. Each is a whole burst, written once the one before
   * has been delivered; the figures are over all of them.
   */
  readonly burstWaves: number;
  /**
   * Share of its burst each sender writes first, unmeasured, and waits for (0: none). A fresh
   * process compiles its hot code during its first burst, on V8's background threads as well
   * as its own, and a subject with more code pays more for it: a burst is measured warm.
   */
  readonly burstWarmupShare: number;
  /**
   * Connections the capacity scenario opens and closes, half per protocol, before it measures
   * (0: none): the first handshakes of a fresh process run cold code, as its first burst does.
   */
  readonly capacityWarmupConnections: number;
  /** Members of the paced room, senders included. */
  readonly pacedMembers: number;
  readonly pacedSenders: number;
  /** Messages a second in all at the light paced load (x members = deliveries a second). */
  readonly pacedLightRate: number;
  /** Messages a second in all at the heavy paced load. */
  readonly pacedHeavyRate: number;
  readonly pacedSeconds: number;
  readonly capacityConnections: number;
}

/**
 * Three repetitions (a median needs three). A burst is a million deliveries at every room size,
 * so that each lasts about a second on draftbridge and the bound, and those two measure four
 * bursts a run (one burst on its own swung by 15% between neighbours); the paced loads are 40k
 * and 200k deliveries a second into a room of 1000.
 */
export const FULL_PLAN: BenchPlan = {
  repetitions: 3,
  burstDeliveries: 1_000_000,
  burstSendersPerRoom: 10,
  burstWaves: 4,
  burstWarmupShare: BURST_WARMUP_SHARE,
  pacedMembers: 1000,
  pacedSenders: 10,
  pacedLightRate: 40,
  pacedHeavyRate: 200,
  pacedSeconds: 5,
  capacityConnections: 5000,
  capacityWarmupConnections: CAPACITY_WARMUP_CONNECTIONS,
};

/** Smaller counts and one repetition, for trying things. */
export const QUICK_PLAN: BenchPlan = {
  repetitions: 1,
  burstDeliveries: 200_000,
  burstSendersPerRoom: 10,
  burstWaves: 1,
  burstWarmupShare: BURST_WARMUP_SHARE,
  pacedMembers: 200,
  pacedSenders: 5,
  pacedLightRate: 40,
  pacedHeavyRate: 200,
  pacedSeconds: 2,
  capacityConnections: 1000,
  capacityWarmupConnections: CAPACITY_WARMUP_CONNECTIONS,
};

/** Message text length in bytes, before any chat envelope ("about 100 bytes"). */
export const MESSAGE_TEXT_BYTES = 100;

/** One member in this many (counted per protocol) decodes its frames for latency. */
export const LATENCY_SAMPLE_EVERY = 10;

/** Handshakes in flight at once while opening connections: the same for every subject. */
export const CONNECT_CONCURRENCY = 64;

/** Rooms are named this plus a random suffix, fresh for every run (Redis keeps rooms). */
export const BENCH_ROOM_PREFIX = 'bench-';

/**
 * A full run must end within this budget; repetitions that would not fit are dropped. A
 * repetition took about 5 minutes on the Intel VM of 2026-12-01 and 12 on the AMD EPYC one of
 * 2026-12-02 (the paced scenarios' naive servers fall seconds behind and are waited for): 45
 * minutes keeps three repetitions, the median's minimum, on both.
 */
export const FULL_RUN_BUDGET_MS = 45 * 60_000;

/** A run during which the rest of the machine used more CPU than this (% of a core) is repeated. */
export const DISTURBED_CPU_PERCENT = 25;

/** Attempts of one run at most, the disturbed ones included. */
export const MAX_ATTEMPTS = 3;

/** Pause before a disturbed run is repeated, for whatever disturbed it to pass. */
export const DISTURBED_RETRY_PAUSE_MS = 5_000;

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

/** Longest wait for a server process to answer a request of the bench's in-process probe. */
export const PROBE_REQUEST_TIMEOUT_MS = 10_000;

/** After joins, the room is quiet (no presence left in flight) once no frame came for this long. */
export const QUIET_PERIOD_MS = 300;

/** Longest wait for that quiet period. */
export const QUIET_TIMEOUT_MS = 20_000;

/** Capacity opens connections in batches of this many, alternating protocols. */
export const CAPACITY_BATCH = 250;

/** Pause after each capacity batch before the server's memory is read. */
export const CAPACITY_BATCH_SETTLE_MS = 100;

/**
 * Pause after each batch of the capacity scenario's handshake pass, before the next subject's
 * turn: what a server still does for its batch is done in its own turn, not in the next one's.
 */
export const CAPACITY_TURN_GAP_MS = 30;

/** How long idle connections sit before the server's memory is read. */
export const MEMORY_SETTLE_MS = 750;

/** The read buffer every generator socket shares (see bench-connection.ts). */
export const READ_BUFFER_BYTES = 64 * 1024;

/** Where the naive peers answer a health check, like draftbridge's /healthz. */
export const HEALTH_PATH = '/healthz';

/** The V8 CPU profiler's sampling interval when `--profile` is on, in microseconds. */
export const PROFILE_INTERVAL_US = 500;

/** Mark-compact GCs in a burst that draftbridge may run beyond naive ws's ("plus a few"). */
export const EXTRA_MARK_COMPACTS_ALLOWED = 3;

/**
 * Limits handed to draftbridge through its environment so that the bench measures fan-out, not
 * policing: none of them may throttle the generator. A burst sender writes up to 10 000 `say`s
 * at once (about 1.6 MB, 12 MB of the inbound budget at 1 KiB a frame); a member of a room of 10
 * is sent 100 000 messages (26 MB) in one burst.
 */
export const DRAFTBRIDGE_BENCH_ENV = {
  RATE_PER_SECOND: '1000000',
  RATE_BURST: '1000000',
  // The inbound budget's largest values: 1 GiB a second, 1 GiB at once.
  INBOUND_BYTES_PER_SECOND: String(1024 * 1024 * 1024),
  INBOUND_BURST_BYTES: String(1024 * 1024 * 1024),
  MAX_CONNECTIONS: '100000',
  MAX_ROOM_MEMBERS: '100000',
  // 64 MiB of backlog per connection: more than a whole burst sends one member, still a bound.
  SLOW_READER_BYTES: String(64 * 1024 * 1024),
  // Idle capacity connections never join and paced members never send: neither is closed.
  JOIN_TIMEOUT_MS: '600000',
  IDLE_TIMEOUT_MS: '600000',
  LOG_LEVEL: 'warn',
} as const;
