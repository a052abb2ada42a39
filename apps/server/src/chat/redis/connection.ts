/**
 * The two Redis connections of one instance: `commands` runs the scripts, `subscriber` holds
 * the room subscriptions (a subscribed connection can run nothing else).
 *
 * Both fail fast instead of queueing: no offline queue, no retry of a command whose connection
 * dropped, and a command timeout. A `say` that cannot reach Redis must be refused at once so
 * that its sender keeps it pending, rather than wait and maybe land much later. Reconnection
 * is ioredis's, with a capped backoff; resubscribing is ours (`autoResubscribe` off), because
 * after resubscribing every room must catch up on what it missed, in that order.
 */
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import type { Logger } from '../../logger.js';
import type { RedisRole, ResolvedRedisHubOptions } from './options.js';

/** The connections of one instance. */
export interface RedisConnections {
  readonly commands: Redis;
  readonly subscriber: Redis;
  /** What is wrong with the connections, or undefined when both are ready. */
  problem(): string | undefined;
  /** Closes both: politely when they are up, at once otherwise. */
  close(): Promise<void>;
}

const ROLES: readonly RedisRole[] = ['commands', 'subscriber'];

// ioredis is loaded on the first connection, not with the module: a server without REDIS_URL
// never needs it. Loaded, it added 1.1 MB of live heap and 12 MB of resident memory to an idle
// in-memory server (80-83 against 69-70 MB).
const require = createRequire(import.meta.url);
let RedisClient: typeof Redis | undefined;

function connectDefault(settings: ResolvedRedisHubOptions, role: RedisRole): Redis {
  RedisClient ??= (require('ioredis') as typeof import('ioredis')).Redis;
  return new RedisClient(settings.url, {
    connectionName: `draftbridge-${role}`,
    // RESP2 keeps replies plain arrays of strings, as the store parses them.
    protocol: 2,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: Math.max(settings.commandTimeoutMs, 1000),
    retryStrategy: (attempt) => Math.min(attempt * 50, settings.reconnectMaxDelayMs),
  });
}

/** Opens both connections; `onReady` is called each time one becomes ready, reconnections included. */
export function createRedisConnections(
  settings: ResolvedRedisHubOptions,
  logger: Logger,
  onReady: (role: RedisRole, reconnected: boolean) => void,
): RedisConnections {
  const open = (role: RedisRole) => {
    const defaults = () => connectDefault(settings, role);
    const redis = settings.connect?.(role, defaults) ?? defaults();
    let wasReady = false;
    let lost = false;
    redis.on('ready', () => {
      if (lost) logger.info({ role }, 'redis connection back');
      onReady(role, wasReady);
      wasReady = true;
      lost = false;
    });
    redis.on('close', () => {
      if (!lost && wasReady) logger.warn({ role }, 'redis connection lost; reconnecting');
      lost = true;
    });
    // ioredis reports every failed reconnection attempt here; the loss itself is logged above.
    redis.on('error', (error: Error) => logger.debug({ err: error, role }, 'redis error'));
    return redis;
  };
  const commands = open('commands');
  const subscriber = open('subscriber');
  const byRole = { commands, subscriber };

  return {
    commands,
    subscriber,
    problem() {
      for (const role of ROLES) {
        const { status } = byRole[role];
        if (status !== 'ready') return `redis ${role} connection is ${status}`;
      }
      return undefined;
    },
    async close() {
      await Promise.all(
        ROLES.map(async (role) => {
          const redis = byRole[role];
          if (redis.status === 'ready') {
            await redis.quit().catch(() => redis.disconnect());
          } else {
            redis.disconnect();
          }
        }),
      );
    },
  };
}
