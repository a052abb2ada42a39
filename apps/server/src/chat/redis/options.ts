/**
 * Options of the Redis hub, their defaults, and the check that refuses bad ones at start.
 */
import {
  DEFAULT_HISTORY_PAGE_BYTES,
  DEFAULT_MAX_ROOM_MEMBERS,
  DEFAULT_RETAINED_HISTORY,
  DEFAULT_WELCOME_HISTORY,
} from '@draftbridge/shared-types';
import type { Redis } from 'ioredis';
import { DEFAULT_EMPTY_ROOM_TTL_MS, PRODUCT_NAME } from '../../constants.js';
import type { Logger } from '../../logger.js';
import type { HubOptions } from '../hub.js';
import { PRESENCE_WINDOW_MS } from '../presence-batch.js';

/** Default prefix of every key and channel the hub uses in Redis. */
export const DEFAULT_REDIS_KEY_PREFIX = `${PRODUCT_NAME}:`;

/** Default interval between two presence heartbeats of one instance, in ms. */
export const DEFAULT_HEARTBEAT_MS = 5000;

/**
 * Default lifetime of a member's presence without a heartbeat, in ms: a crashed instance's
 * members leave within this window plus one heartbeat of a surviving instance.
 */
export const DEFAULT_PRESENCE_TTL_MS = 15_000;

/** Default time a Redis command may take before the hub treats Redis as unavailable, in ms. */
export const DEFAULT_REDIS_COMMAND_TIMEOUT_MS = 2000;

/** Default upper bound of the delay between two reconnection attempts, in ms. */
export const DEFAULT_REDIS_RECONNECT_MAX_DELAY_MS = 2000;

/** The two connections an instance holds: commands and scripts, and its subscription. */
export type RedisRole = 'commands' | 'subscriber';

/** Options of the Redis hub; everything but `url` has a default. */
export interface RedisHubOptions extends HubOptions {
  /** `redis://` or `rediss://` URL of the shared Redis. */
  readonly url: string;
  /** Prefix of every key and channel, so that several deployments can share one Redis. */
  readonly keyPrefix?: string;
  /**
   * How long a room's keys outlive the room's last activity (a message, a join, or a heartbeat
   * of an instance with members in it), in ms; `Infinity` keeps them. Its `seq` goes with the
   * rest, so an unused room does not keep keys for ever; a client resuming into a room that
   * was forgotten gets `truncated` (its `since` is past the new seq), and an instance that still
   * delivered a higher seq continues after it (the seq floor).
   */
  readonly historyTtlMs?: number;
  /** Interval between presence heartbeats, in ms (default 5000). */
  readonly heartbeatMs?: number;
  /** Lifetime of a member's presence without a heartbeat, in ms (default 15000). */
  readonly presenceTtlMs?: number;
  /** Time a command may take before Redis counts as unavailable, in ms (default 2000). */
  readonly commandTimeoutMs?: number;
  /** Upper bound of the delay between reconnection attempts, in ms (default 2000). */
  readonly reconnectMaxDelayMs?: number;
  /** Where the hub logs connection changes and recoveries; silent when absent. */
  readonly logger?: Logger;
  /**
   * Opens one connection (default: ioredis on `url` with the options of redis-hub-connection.ts).
   * Tests pass their own to cut an instance off Redis as a crash would.
   */
  readonly connect?: (role: RedisRole, defaults: () => Redis) => Redis;
}

/** RedisHubOptions with every default applied. */
export type ResolvedRedisHubOptions = Required<
  Omit<RedisHubOptions, 'logger' | 'onDeliverError' | 'connect'>
> &
  Pick<RedisHubOptions, 'logger' | 'onDeliverError' | 'connect'>;

/** A Redis hub option was refused at start; `option` names it. */
export class RedisHubOptionError extends Error {
  /** The option at fault. */
  readonly option: keyof RedisHubOptions;

  constructor(option: keyof RedisHubOptions, accepts: string, value: unknown) {
    super(`Redis hub option ${option} must be ${accepts}; got ${String(value)}`);
    this.name = 'RedisHubOptionError';
    this.option = option;
  }
}

function requireInteger(option: keyof RedisHubOptions, value: number, min: number) {
  if (!Number.isInteger(value) || value < min) {
    throw new RedisHubOptionError(option, `an integer of at least ${min}`, value);
  }
}

// Every option's default but the URL's; the hub options shared with the memory hub default alike.
const REDIS_HUB_DEFAULTS = {
  keyPrefix: DEFAULT_REDIS_KEY_PREFIX,
  retainedHistory: DEFAULT_RETAINED_HISTORY,
  welcomeHistory: DEFAULT_WELCOME_HISTORY,
  historyPageBytes: DEFAULT_HISTORY_PAGE_BYTES,
  maxRoomMembers: DEFAULT_MAX_ROOM_MEMBERS,
  presenceWindowMs: PRESENCE_WINDOW_MS,
  historyTtlMs: DEFAULT_EMPTY_ROOM_TTL_MS,
  heartbeatMs: DEFAULT_HEARTBEAT_MS,
  presenceTtlMs: DEFAULT_PRESENCE_TTL_MS,
  commandTimeoutMs: DEFAULT_REDIS_COMMAND_TIMEOUT_MS,
  reconnectMaxDelayMs: DEFAULT_REDIS_RECONNECT_MAX_DELAY_MS,
  now: Date.now,
} as const satisfies Omit<ResolvedRedisHubOptions, 'url' | 'logger' | 'onDeliverError' | 'connect'>;

/** Applies the defaults and checks every option; throws a RedisHubOptionError naming the first bad one. */
export function resolveRedisHubOptions(options: RedisHubOptions): ResolvedRedisHubOptions {
  const given = Object.entries(options).filter(([, value]) => value !== undefined);
  const resolved: ResolvedRedisHubOptions = {
    ...REDIS_HUB_DEFAULTS,
    ...(Object.fromEntries(given) as RedisHubOptions),
  };
  if (!/^rediss?:\/\//.test(resolved.url)) {
    throw new RedisHubOptionError('url', 'a redis:// or rediss:// URL', resolved.url);
  }
  requireInteger('retainedHistory', resolved.retainedHistory, 1);
  requireInteger('welcomeHistory', resolved.welcomeHistory, 0);
  requireInteger('historyPageBytes', resolved.historyPageBytes, 1024);
  requireInteger('maxRoomMembers', resolved.maxRoomMembers, 1);
  requireInteger('presenceWindowMs', resolved.presenceWindowMs, 0);
  if (resolved.historyTtlMs !== Number.POSITIVE_INFINITY) {
    requireInteger('historyTtlMs', resolved.historyTtlMs, 1);
  }
  requireInteger('heartbeatMs', resolved.heartbeatMs, 1);
  requireInteger('commandTimeoutMs', resolved.commandTimeoutMs, 1);
  requireInteger('reconnectMaxDelayMs', resolved.reconnectMaxDelayMs, 1);
  // One missed heartbeat must not make a live member vanish.
  if (
    !Number.isInteger(resolved.presenceTtlMs) ||
    resolved.presenceTtlMs < 2 * resolved.heartbeatMs
  ) {
    throw new RedisHubOptionError(
      'presenceTtlMs',
      `an integer of at least twice heartbeatMs (${2 * resolved.heartbeatMs})`,
      resolved.presenceTtlMs,
    );
  }
  return {
    ...resolved,
    welcomeHistory: Math.min(resolved.welcomeHistory, resolved.retainedHistory),
  };
}
