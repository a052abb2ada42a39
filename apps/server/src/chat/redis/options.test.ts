import { DEFAULT_RETAINED_HISTORY, DEFAULT_WELCOME_HISTORY } from '@draftbridge/shared-types';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_PRESENCE_TTL_MS,
  DEFAULT_REDIS_KEY_PREFIX,
  RedisHubOptionError,
  resolveRedisHubOptions,
} from './options.js';

const url = 'redis://127.0.0.1:6379';

describe('resolveRedisHubOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveRedisHubOptions({ url })).toMatchObject({
      url,
      keyPrefix: DEFAULT_REDIS_KEY_PREFIX,
      retainedHistory: DEFAULT_RETAINED_HISTORY,
      welcomeHistory: DEFAULT_WELCOME_HISTORY,
      heartbeatMs: DEFAULT_HEARTBEAT_MS,
      presenceTtlMs: DEFAULT_PRESENCE_TTL_MS,
    });
  });

  it('caps the welcome history at the retained history', () => {
    expect(resolveRedisHubOptions({ url, retainedHistory: 5 }).welcomeHistory).toBe(5);
  });

  it('accepts keeping history for good', () => {
    expect(
      resolveRedisHubOptions({ url, historyTtlMs: Number.POSITIVE_INFINITY }).historyTtlMs,
    ).toBe(Number.POSITIVE_INFINITY);
  });

  it.each([
    [{ url: 'http://127.0.0.1' }, 'url'],
    [{ url, retainedHistory: 0 }, 'retainedHistory'],
    [{ url, welcomeHistory: -1 }, 'welcomeHistory'],
    [{ url, historyTtlMs: 0 }, 'historyTtlMs'],
    [{ url, heartbeatMs: 1.5 }, 'heartbeatMs'],
    [{ url, heartbeatMs: 100, presenceTtlMs: 150 }, 'presenceTtlMs'],
    [{ url, commandTimeoutMs: 0 }, 'commandTimeoutMs'],
  ] as const)('refuses %o naming %s', (options, option) => {
    expect(() => resolveRedisHubOptions(options)).toThrow(RedisHubOptionError);
    expect(() => resolveRedisHubOptions(options)).toThrow(option);
  });
});
