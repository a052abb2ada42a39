import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_RATE_BURST,
  DEFAULT_RATE_PER_SECOND,
  DEFAULT_RETAINED_HISTORY,
  DEFAULT_WELCOME_HISTORY,
} from '@draftbridge/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFIG_DEFAULTS,
  CONFIG_OPTIONS,
  ConfigError,
  checkWebRoot,
  formatConfigHelp,
  parseConfig,
  WEB_ROOT_ENTRY,
} from './config.js';
import {
  DEFAULT_HOST,
  DEFAULT_LOG_LEVEL,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_PORT,
  DEFAULT_SLOW_READER_BYTES,
} from './constants.js';

function errorOf(env: Record<string, string>, argv: string[] = []): ConfigError {
  try {
    parseConfig(env, argv);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('parseConfig accepted the configuration');
}

describe('parseConfig', () => {
  it('gives the defaults with no environment and no flags', () => {
    const config = parseConfig({}, []);
    expect(config).toEqual({
      port: DEFAULT_PORT,
      host: DEFAULT_HOST,
      allowedOrigins: [],
      logLevel: DEFAULT_LOG_LEVEL,
      maxMessageBytes: DEFAULT_MAX_MESSAGE_BYTES,
      ratePerSecond: DEFAULT_RATE_PER_SECOND,
      rateBurst: DEFAULT_RATE_BURST,
      historyRetained: DEFAULT_RETAINED_HISTORY,
      historyWelcome: DEFAULT_WELCOME_HISTORY,
      handshakeTimeoutMs: DEFAULT_HANDSHAKE_TIMEOUT_MS,
      slowReaderBytes: DEFAULT_SLOW_READER_BYTES,
      maxConnections: DEFAULT_MAX_CONNECTIONS,
      webRoot: path.resolve(import.meta.dirname, '../../web/dist'),
      redisUrl: undefined,
      readyFile: undefined,
      maxFragments: 1024,
      inboundBytesPerSecond: 256 * 1024,
      inboundBurstBytes: 256 * 1024,
      historyPageBytes: 256 * 1024,
      historyRoomBytes: 1024 * 1024,
      historyTotalBytes: 64 * 1024 * 1024,
      maxRoomMembers: 2000,
      joinTimeoutMs: 10_000,
      idleTimeoutMs: 60_000,
      trustProxy: [],
    });
    expect(config).toEqual(CONFIG_DEFAULTS);
  });

  it('reads every option from the environment', () => {
    const config = parseConfig({
      PORT: '9000',
      HOST: '0.0.0.0',
      ALLOWED_ORIGINS: 'https://chat.example.org, http://localhost:5173',
      LOG_LEVEL: 'debug',
      MAX_MESSAGE_BYTES: '131072',
      RATE_PER_SECOND: '2.5',
      RATE_BURST: '5',
      HISTORY_RETAINED: '100',
      HISTORY_WELCOME: '10',
      HANDSHAKE_TIMEOUT_MS: '2000',
      SLOW_READER_BYTES: '65536',
      MAX_CONNECTIONS: '50',
      WEB_ROOT: 'some/folder',
      REDIS_URL: 'redis://127.0.0.1:6379/0',
      READY_FILE: 'ready.json',
      MAX_FRAGMENTS: '16',
      INBOUND_BYTES_PER_SECOND: '10000',
      INBOUND_BURST_BYTES: '20000',
      HISTORY_PAGE_BYTES: '32768',
      HISTORY_ROOM_BYTES: '100000',
      HISTORY_TOTAL_BYTES: '1000000',
      MAX_ROOM_MEMBERS: '7',
      JOIN_TIMEOUT_MS: '3000',
      IDLE_TIMEOUT_MS: '30000',
      TRUST_PROXY: '127.0.0.1,::1',
    });
    expect(config).toEqual({
      port: 9000,
      host: '0.0.0.0',
      allowedOrigins: ['https://chat.example.org', 'http://localhost:5173'],
      logLevel: 'debug',
      maxMessageBytes: 131072,
      ratePerSecond: 2.5,
      rateBurst: 5,
      historyRetained: 100,
      historyWelcome: 10,
      handshakeTimeoutMs: 2000,
      slowReaderBytes: 65536,
      maxConnections: 50,
      webRoot: path.resolve('some/folder'),
      redisUrl: 'redis://127.0.0.1:6379/0',
      readyFile: path.resolve('ready.json'),
      maxFragments: 16,
      inboundBytesPerSecond: 10000,
      inboundBurstBytes: 20000,
      historyPageBytes: 32768,
      historyRoomBytes: 100000,
      historyTotalBytes: 1000000,
      maxRoomMembers: 7,
      joinTimeoutMs: 3000,
      idleTimeoutMs: 30000,
      trustProxy: ['127.0.0.1', '::1'],
    });
  });

  it('shrinks the default history page to half the slow-reader bound, and refuses a larger one', () => {
    expect(parseConfig({ SLOW_READER_BYTES: '65536' }).historyPageBytes).toBe(32768);
    const error = errorOf({ SLOW_READER_BYTES: '65536', HISTORY_PAGE_BYTES: '40000' });
    expect(error.options).toEqual(['HISTORY_PAGE_BYTES']);
    expect(error.message).toContain('at most half of SLOW_READER_BYTES');
  });

  it('lets a flag override its variable, in both flag forms', () => {
    const config = parseConfig({ PORT: '9000', LOG_LEVEL: 'warn' }, [
      '--port',
      '0',
      '--log-level=silent',
    ]);
    expect(config.port).toBe(0);
    expect(config.logLevel).toBe('silent');
  });

  it('treats an empty variable as unset', () => {
    expect(parseConfig({ PORT: '', HOST: '  ' }).port).toBe(DEFAULT_PORT);
    expect(parseConfig({ PORT: '', HOST: '  ' }).host).toBe(DEFAULT_HOST);
  });

  it('normalizes allowed origins', () => {
    const config = parseConfig({
      ALLOWED_ORIGINS: 'HTTPS://Chat.Example.org:443,,http://a.test:8080',
    });
    expect(config.allowedOrigins).toEqual(['https://chat.example.org', 'http://a.test:8080']);
  });

  it('returns a frozen configuration', () => {
    const config = parseConfig({ ALLOWED_ORIGINS: 'http://a.test' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.allowedOrigins)).toBe(true);
    expect(Object.isFrozen(CONFIG_DEFAULTS)).toBe(true);
  });

  it.each([
    ['PORT', '--port', 'abc', 'an integer from 0 to 65535'],
    ['PORT', '--port', '65536', 'an integer from 0 to 65535'],
    ['PORT', '--port', '-1', 'an integer from 0 to 65535'],
    ['PORT', '--port', '80.5', 'an integer from 0 to 65535'],
    ['HOST', '--host', 'a b', 'a host name or IP address'],
    [
      'LOG_LEVEL',
      '--log-level',
      'verbose',
      'one of fatal, error, warn, info, debug, trace, silent',
    ],
    ['MAX_MESSAGE_BYTES', '--max-message-bytes', '10', 'from 1024'],
    ['RATE_PER_SECOND', '--rate-per-second', '0', 'above 0'],
    ['RATE_PER_SECOND', '--rate-per-second', 'fast', 'above 0'],
    ['RATE_BURST', '--rate-burst', '0', 'from 1'],
    ['HISTORY_RETAINED', '--history-retained', '0', 'from 1'],
    ['HISTORY_WELCOME', '--history-welcome', 'x', 'from 0 to HISTORY_RETAINED'],
    ['HANDSHAKE_TIMEOUT_MS', '--handshake-timeout-ms', '1e3', 'milliseconds'],
    ['SLOW_READER_BYTES', '--slow-reader-bytes', '1MiB', 'bytes'],
    ['SLOW_READER_BYTES', '--slow-reader-bytes', '4096', 'from 32768'],
    ['MAX_FRAGMENTS', '--max-fragments', '0', 'from 1'],
    ['INBOUND_BYTES_PER_SECOND', '--inbound-bytes-per-second', '10', 'from 1024'],
    ['HISTORY_PAGE_BYTES', '--history-page-bytes', '100', 'from 16384'],
    ['HISTORY_TOTAL_BYTES', '--history-total-bytes', 'lots', 'bytes'],
    ['MAX_ROOM_MEMBERS', '--max-room-members', '0', 'from 1'],
    ['JOIN_TIMEOUT_MS', '--join-timeout-ms', '0', 'milliseconds'],
    ['IDLE_TIMEOUT_MS', '--idle-timeout-ms', '10', 'from 1000'],
    ['MAX_CONNECTIONS', '--max-connections', '0', 'from 1'],
    ['REDIS_URL', '--redis-url', 'http://localhost:6379', 'redis://'],
    ['ALLOWED_ORIGINS', '--allowed-origins', 'chat.example.org', 'origins'],
    ['ALLOWED_ORIGINS', '--allowed-origins', 'https://a.test/path', 'origins'],
    ['ALLOWED_ORIGINS', '--allowed-origins', 'https://a.test/', 'origins'],
    ['ALLOWED_ORIGINS', '--allowed-origins', 'ftp://a.test', 'origins'],
    ['TRUST_PROXY', '--trust-proxy', 'localhost', 'IP addresses or CIDR ranges'],
    ['TRUST_PROXY', '--trust-proxy', '10.0.0.0/33', 'IP addresses or CIDR ranges'],
  ])(
    'refuses %s=%s naming the option, its flag and what it accepts',
    (env, flag, value, accepts) => {
      for (const error of [errorOf({ [env]: value }), errorOf({}, [`${flag}=${value}`])]) {
        expect(error.options).toEqual([env]);
        expect(error.message).toContain(`${env} (${flag}) must be`);
        expect(error.message).toContain(accepts);
        expect(error.message).toContain(JSON.stringify(value));
      }
    },
  );

  it('reads trusted proxies as addresses and CIDR ranges, and names a bad entry', () => {
    const config = parseConfig({ TRUST_PROXY: '127.0.0.1, ::1,,10.0.0.0/8' });
    expect(config.trustProxy).toEqual(['127.0.0.1', '::1', '10.0.0.0/8']);
    expect(Object.isFrozen(config.trustProxy)).toBe(true);
    const error = errorOf({ TRUST_PROXY: '127.0.0.1,proxy.local' });
    expect(error.message).toContain('"proxy.local" is not an IP address or CIDR range');
  });

  it('names the one bad entry of an origin list', () => {
    const error = errorOf({ ALLOWED_ORIGINS: 'https://good.test,nope' });
    expect(error.message).toContain('"nope" is not an origin');
  });

  it('reports every bad option at once', () => {
    const error = errorOf({ PORT: 'x', LOG_LEVEL: 'loud', RATE_BURST: '-3' });
    expect(error.options).toEqual(['PORT', 'LOG_LEVEL', 'RATE_BURST']);
  });

  it('refuses a welcome history longer than the retained history', () => {
    const error = errorOf({ HISTORY_RETAINED: '10', HISTORY_WELCOME: '11' });
    expect(error.options).toEqual(['HISTORY_WELCOME']);
    expect(error.message).toContain('at most HISTORY_RETAINED (10)');
    expect(parseConfig({ HISTORY_RETAINED: '10', HISTORY_WELCOME: '10' }).historyWelcome).toBe(10);
  });

  it('refuses an unknown flag, listing the known ones', () => {
    const error = errorOf({}, ['--prot', '1']);
    expect(error.message).toContain("'--prot'");
    expect(error.message).toContain('--port');
    expect(error.message).toContain('--redis-url');
  });

  it('refuses a flag without its value and a stray argument', () => {
    expect(errorOf({}, ['--port']).message).toContain('--port');
    expect(errorOf({}, ['8080']).message).toContain("'8080'");
  });
});

describe('formatConfigHelp', () => {
  it('lists every option with its flag, variable and default', () => {
    const help = formatConfigHelp();
    expect(help).toContain('--port (PORT): an integer from 0 to 65535; default 8080');
    expect(help).toContain('--redis-url (REDIS_URL)');
    expect(help.split('\n')).toHaveLength(Object.keys(CONFIG_DEFAULTS).length);
  });
});

describe('checkWebRoot', () => {
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'draftbridge-web-root-'));
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  function webRootError(webRoot: string): ConfigError {
    try {
      checkWebRoot({ webRoot });
    } catch (error) {
      if (error instanceof ConfigError) return error;
      throw error;
    }
    throw new Error(`checkWebRoot accepted ${webRoot}`);
  }

  it('accepts a folder holding index.html', async () => {
    const built = path.join(scratch, 'built');
    await mkdir(built);
    await writeFile(path.join(built, WEB_ROOT_ENTRY), '<!doctype html>');
    expect(() => checkWebRoot({ webRoot: built })).not.toThrow();
  });

  it.each([
    ['a folder that does not exist', 'missing', 'does not exist'],
    ['a file', 'a-file', 'is not a folder'],
    ['a folder without index.html', 'empty', 'has no index.html'],
  ])('refuses %s, naming WEB_ROOT and the folder', async (_case, name, problem) => {
    const webRoot = path.join(scratch, name);
    if (name === 'a-file') await writeFile(webRoot, 'not a folder');
    if (name === 'empty') await mkdir(webRoot);
    const error = webRootError(webRoot);
    expect(error.options).toEqual(['WEB_ROOT']);
    expect(error.message).toContain(
      'WEB_ROOT (--web-root) must be a folder holding the built web app',
    );
    expect(error.message).toContain(`${JSON.stringify(webRoot)} ${problem}`);
    expect(error.message).toContain('npm run build');
  });
});

describe('npm run dev', () => {
  // Turborepo's strict env mode hands a task only the variables turbo.json lists.
  it('passes every option through to the dev server', async () => {
    const turbo = JSON.parse(
      await readFile(path.resolve(import.meta.dirname, '../../../turbo.json'), 'utf8'),
    ) as { tasks: Record<string, { passThroughEnv?: string[] }> };
    const passed = turbo.tasks['@draftbridge/server#dev']?.passThroughEnv ?? [];
    expect([...passed].sort()).toEqual(
      Object.values(CONFIG_OPTIONS)
        .map((spec) => spec.env)
        .sort(),
    );
  });
});
