/**
 * Configuration: environment variables, each overridable by a command-line flag of the same
 * name in kebab case (`PORT` and `--port`). Every value is validated at start; a bad one stops
 * the server with a message naming the option and what it accepts.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_INBOUND_BURST_BYTES,
  DEFAULT_INBOUND_BYTES_PER_SECOND,
  DEFAULT_MAX_FRAGMENTS,
  parseProxyRange,
} from '@draftbridge/protocol-router';
import {
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_HISTORY_PAGE_BYTES,
  DEFAULT_JOIN_TIMEOUT_MS,
  DEFAULT_MAX_MESSAGE_BYTES,
  DEFAULT_MAX_ROOM_MEMBERS,
  DEFAULT_RATE_BURST,
  DEFAULT_RATE_PER_SECOND,
  DEFAULT_RETAINED_HISTORY,
  DEFAULT_WELCOME_HISTORY,
} from '@draftbridge/shared-types';
import { z } from 'zod';
import {
  DEFAULT_HOST,
  DEFAULT_LOG_LEVEL,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_PORT,
  DEFAULT_ROOM_HISTORY_BYTES,
  DEFAULT_SLOW_READER_BYTES,
  DEFAULT_TOTAL_HISTORY_BYTES,
  LOG_LEVELS,
  type LogLevel,
} from './constants.js';

/** The server's validated configuration. */
export interface Config {
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** Interface to listen on. */
  readonly host: string;
  /** Browser origins allowed besides the server's own, normalized (`scheme://host[:port]`). */
  readonly allowedOrigins: readonly string[];
  /** pino log level. */
  readonly logLevel: LogLevel;
  /** Largest frame and reassembled message, in bytes. */
  readonly maxMessageBytes: number;
  /** Most frames one message may arrive in. */
  readonly maxFragments: number;
  /** Sustained inbound bytes a second per connection; past it the connection is read slower. */
  readonly inboundBytesPerSecond: number;
  /** How much inbound a quiet connection may send at once, in bytes. */
  readonly inboundBurstBytes: number;
  /** Sustained messages a second per connection. */
  readonly ratePerSecond: number;
  /** Burst of the per-connection token bucket. */
  readonly rateBurst: number;
  /** Messages retained per room. */
  readonly historyRetained: number;
  /** Latest messages in a `welcome` without `since`. */
  readonly historyWelcome: number;
  /** Most bytes of history in one `welcome` or `history` answer. */
  readonly historyPageBytes: number;
  /** Most bytes of history one room retains. */
  readonly historyRoomBytes: number;
  /** Most bytes of history all rooms retain together. */
  readonly historyTotalBytes: number;
  /** Most members in one room. */
  readonly maxRoomMembers: number;
  /** Time allowed from the first byte to a complete handshake, in ms. */
  readonly handshakeTimeoutMs: number;
  /** Time a connection has to `join`, in ms. */
  readonly joinTimeoutMs: number;
  /** Time a connection may make no progress before it is closed, in ms. */
  readonly idleTimeoutMs: number;
  /** Send-buffer bound past which a connection is dropped as a slow reader, in bytes. */
  readonly slowReaderBytes: number;
  /** Open WebSocket connections allowed at once. */
  readonly maxConnections: number;
  /** Folder of the built web app, absolute. */
  readonly webRoot: string;
  /** Redis to share rooms between processes; unset runs everything in memory. */
  readonly redisUrl: string | undefined;
  /** Where `npm start` writes `{"url","host","port"}` once it listens, for scripts and tests. */
  readonly readyFile: string | undefined;
  /** Proxies (addresses and CIDR ranges) whose X-Forwarded-For, -Proto and -Host are believed. */
  readonly trustProxy: readonly string[];
}

/** A configuration value was refused; `options` names every option at fault. */
export class ConfigError extends Error {
  /** The environment names of the options at fault, e.g. `PORT`. */
  readonly options: readonly string[];

  constructor(problems: readonly { option: string; message: string }[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
    this.options = problems.map((p) => p.option);
  }
}

interface OptionSpec<T> {
  /** The environment variable; the flag is its kebab-case form. */
  readonly env: string;
  /** What the option accepts, for the help text and error messages. */
  readonly accepts: string;
  /** Validates and converts the raw string. */
  readonly schema: z.ZodType<T>;
  readonly fallback: T;
}

const integer = (min: number, max: number) =>
  z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(min).max(max));

const positiveNumber = (max: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/)
    .transform(Number)
    .pipe(z.number().positive().max(max));

// Only a bare origin is meaningful: the Origin header never carries a path.
const origin = z.string().transform((entry, context) => {
  const url = URL.parse(entry);
  const bare =
    url !== null &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.pathname === '/' &&
    url.search === '' &&
    url.hash === '' &&
    url.username === '' &&
    !entry.endsWith('/');
  if (!bare || url === null) {
    context.addIssue({ code: 'custom', message: `"${entry}" is not an origin` });
    return z.NEVER;
  }
  return url.origin;
});

// A comma-separated list, blanks around entries and empty entries ignored, each one checked.
const commaList = <T>(entry: z.ZodType<T, string>) =>
  z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== ''),
    )
    .pipe(z.array(entry));

const originList = commaList(origin);

// An address or a CIDR range, as the router's trust rule takes them.
const proxyRange = z.string().transform((entry, context) => {
  if (parseProxyRange(entry) === null) {
    context.addIssue({ code: 'custom', message: `"${entry}" is not an IP address or CIDR range` });
    return z.NEVER;
  }
  return entry;
});

const proxyList = commaList(proxyRange);

const redisUrl = z
  .string()
  .refine((value) => /^rediss?:$/.test(URL.parse(value)?.protocol ?? ''))
  .optional();

const here = path.dirname(fileURLToPath(import.meta.url));

// A page must hold the largest message: 2000 code points, JSON-escaped, and its envelope.
const MIN_HISTORY_PAGE_BYTES = 16 * 1024;

/** The page a web root must hold: the entry of the built web app. */
export const WEB_ROOT_ENTRY = 'index.html';

/** Every option: its variable, what it accepts and its default. */
export const CONFIG_OPTIONS: { readonly [K in keyof Config]-?: OptionSpec<Config[K]> } = {
  port: {
    env: 'PORT',
    accepts: 'an integer from 0 to 65535',
    schema: integer(0, 65535),
    fallback: DEFAULT_PORT,
  },
  host: {
    env: 'HOST',
    accepts: 'a host name or IP address',
    schema: z.string().regex(/^[^\s/]+$/),
    fallback: DEFAULT_HOST,
  },
  allowedOrigins: {
    env: 'ALLOWED_ORIGINS',
    accepts: 'a comma-separated list of origins such as https://chat.example.org',
    schema: originList,
    fallback: [],
  },
  logLevel: {
    env: 'LOG_LEVEL',
    accepts: `one of ${LOG_LEVELS.join(', ')}`,
    schema: z.enum(LOG_LEVELS),
    fallback: DEFAULT_LOG_LEVEL,
  },
  maxMessageBytes: {
    env: 'MAX_MESSAGE_BYTES',
    accepts: 'an integer number of bytes from 1024 to 67108864',
    schema: integer(1024, 64 * 1024 * 1024),
    fallback: DEFAULT_MAX_MESSAGE_BYTES,
  },
  maxFragments: {
    env: 'MAX_FRAGMENTS',
    accepts: 'an integer number of frames from 1 to 1000000',
    schema: integer(1, 1_000_000),
    fallback: DEFAULT_MAX_FRAGMENTS,
  },
  inboundBytesPerSecond: {
    env: 'INBOUND_BYTES_PER_SECOND',
    accepts: 'an integer number of bytes a second from 1024 to 1073741824',
    schema: integer(1024, 1024 * 1024 * 1024),
    fallback: DEFAULT_INBOUND_BYTES_PER_SECOND,
  },
  inboundBurstBytes: {
    env: 'INBOUND_BURST_BYTES',
    accepts: 'an integer number of bytes from 1024 to 1073741824',
    schema: integer(1024, 1024 * 1024 * 1024),
    fallback: DEFAULT_INBOUND_BURST_BYTES,
  },
  ratePerSecond: {
    env: 'RATE_PER_SECOND',
    accepts: 'a number of messages a second above 0, at most 1000000',
    schema: positiveNumber(1_000_000),
    fallback: DEFAULT_RATE_PER_SECOND,
  },
  rateBurst: {
    env: 'RATE_BURST',
    accepts: 'an integer number of messages from 1 to 1000000',
    schema: integer(1, 1_000_000),
    fallback: DEFAULT_RATE_BURST,
  },
  historyRetained: {
    env: 'HISTORY_RETAINED',
    accepts: 'an integer number of messages from 1 to 1000000',
    schema: integer(1, 1_000_000),
    fallback: DEFAULT_RETAINED_HISTORY,
  },
  historyWelcome: {
    env: 'HISTORY_WELCOME',
    accepts: 'an integer number of messages from 0 to HISTORY_RETAINED',
    schema: integer(0, 1_000_000),
    fallback: DEFAULT_WELCOME_HISTORY,
  },
  historyPageBytes: {
    env: 'HISTORY_PAGE_BYTES',
    accepts: 'an integer number of bytes from 16384 to half of SLOW_READER_BYTES',
    schema: integer(MIN_HISTORY_PAGE_BYTES, 512 * 1024 * 1024),
    fallback: DEFAULT_HISTORY_PAGE_BYTES,
  },
  historyRoomBytes: {
    env: 'HISTORY_ROOM_BYTES',
    accepts: 'an integer number of bytes from 16384 to 1073741824',
    schema: integer(16 * 1024, 1024 * 1024 * 1024),
    fallback: DEFAULT_ROOM_HISTORY_BYTES,
  },
  historyTotalBytes: {
    env: 'HISTORY_TOTAL_BYTES',
    accepts: 'an integer number of bytes from 65536 to 17179869184',
    schema: integer(64 * 1024, 16 * 1024 * 1024 * 1024),
    fallback: DEFAULT_TOTAL_HISTORY_BYTES,
  },
  maxRoomMembers: {
    env: 'MAX_ROOM_MEMBERS',
    accepts: 'an integer from 1 to 1000000',
    schema: integer(1, 1_000_000),
    fallback: DEFAULT_MAX_ROOM_MEMBERS,
  },
  handshakeTimeoutMs: {
    env: 'HANDSHAKE_TIMEOUT_MS',
    accepts: 'an integer number of milliseconds from 1 to 600000',
    schema: integer(1, 600_000),
    fallback: DEFAULT_HANDSHAKE_TIMEOUT_MS,
  },
  joinTimeoutMs: {
    env: 'JOIN_TIMEOUT_MS',
    accepts: 'an integer number of milliseconds from 1 to 3600000',
    schema: integer(1, 3_600_000),
    fallback: DEFAULT_JOIN_TIMEOUT_MS,
  },
  idleTimeoutMs: {
    env: 'IDLE_TIMEOUT_MS',
    accepts: 'an integer number of milliseconds from 1000 to 86400000',
    schema: integer(1000, 86_400_000),
    fallback: DEFAULT_IDLE_TIMEOUT_MS,
  },
  slowReaderBytes: {
    env: 'SLOW_READER_BYTES',
    // Below two pages of history, a welcome alone would be a slow reader.
    accepts: 'an integer number of bytes from 32768 to 1073741824',
    schema: integer(2 * MIN_HISTORY_PAGE_BYTES, 1024 * 1024 * 1024),
    fallback: DEFAULT_SLOW_READER_BYTES,
  },
  maxConnections: {
    env: 'MAX_CONNECTIONS',
    accepts: 'an integer from 1 to 10000000',
    schema: integer(1, 10_000_000),
    fallback: DEFAULT_MAX_CONNECTIONS,
  },
  webRoot: {
    env: 'WEB_ROOT',
    accepts: `a folder holding the built web app (${WEB_ROOT_ENTRY})`,
    schema: z.string().transform((folder) => path.resolve(folder)),
    fallback: path.resolve(here, '../../web/dist'),
  },
  readyFile: {
    env: 'READY_FILE',
    accepts: 'a file path',
    schema: z
      .string()
      .transform((file) => path.resolve(file))
      .optional(),
    fallback: undefined,
  },
  redisUrl: {
    env: 'REDIS_URL',
    accepts: 'a redis:// or rediss:// URL',
    schema: redisUrl,
    fallback: undefined,
  },
  trustProxy: {
    env: 'TRUST_PROXY',
    accepts:
      'a comma-separated list of IP addresses or CIDR ranges such as 127.0.0.1,::1,10.0.0.0/8',
    schema: proxyList,
    fallback: [],
  },
};

/** The configuration with no environment and no flags. */
export const CONFIG_DEFAULTS: Config = Object.freeze({
  ...(Object.fromEntries(
    Object.entries(CONFIG_OPTIONS).map(([key, spec]) => [key, spec.fallback]),
  ) as unknown as Config),
  allowedOrigins: Object.freeze([]),
  trustProxy: Object.freeze([]),
});

const flagOf = (env: string) => env.toLowerCase().replaceAll('_', '-');

/** One line per option, for `--help`. */
export function formatConfigHelp(): string {
  return Object.values(CONFIG_OPTIONS)
    .map((spec) => {
      const fallback = spec.fallback === undefined ? 'unset' : JSON.stringify(spec.fallback);
      return `  --${flagOf(spec.env)} (${spec.env}): ${spec.accepts}; default ${fallback}`;
    })
    .join('\n');
}

function readFlags(argv: readonly string[]): Record<string, string | undefined> {
  const options = Object.fromEntries(
    Object.values(CONFIG_OPTIONS).map((spec) => [flagOf(spec.env), { type: 'string' as const }]),
  );
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false })
      .values as Record<string, string | undefined>;
  } catch (error) {
    const known = Object.keys(options)
      .map((flag) => `--${flag}`)
      .join(', ');
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError([{ option: 'argv', message: `${reason}. Known flags: ${known}` }]);
  }
}

/**
 * Reads the configuration from `env` (usually `process.env`) and `argv` (the arguments after
 * the script, usually `process.argv.slice(2)`); a flag wins over its variable, and an empty
 * variable counts as unset. Throws a ConfigError naming every bad option.
 */
export function parseConfig(
  env: Readonly<Record<string, string | undefined>>,
  argv: readonly string[] = [],
): Config {
  const flags = readFlags(argv);
  const problems: { option: string; message: string }[] = [];
  const values: Record<string, unknown> = {};

  for (const [key, spec] of Object.entries(CONFIG_OPTIONS) as [string, OptionSpec<unknown>][]) {
    const flag = flagOf(spec.env);
    const raw = (flags[flag] ?? env[spec.env])?.trim();
    if (raw === undefined || raw === '') {
      values[key] = spec.fallback;
      continue;
    }
    const result = spec.schema.safeParse(raw);
    if (result.success) {
      values[key] = result.data;
      continue;
    }
    const custom = result.error.issues.find((issue) => issue.code === 'custom' && issue.message);
    const detail = custom === undefined ? '' : ` (${custom.message})`;
    problems.push({
      option: spec.env,
      message: `${spec.env} (--${flag}) must be ${spec.accepts}; got ${JSON.stringify(raw)}${detail}`,
    });
  }

  const config = values as unknown as Config;
  if (problems.length === 0 && config.historyWelcome > config.historyRetained) {
    problems.push({
      option: 'HISTORY_WELCOME',
      message: `HISTORY_WELCOME (--history-welcome) must be at most HISTORY_RETAINED (${config.historyRetained}); got ${config.historyWelcome}`,
    });
  }
  // A welcome page larger than the slow-reader bound would drop every reader that resumes: the
  // default page shrinks to half the bound, a page asked for explicitly must fit.
  const pageAsked = (flags[flagOf('HISTORY_PAGE_BYTES')] ?? env.HISTORY_PAGE_BYTES)?.trim();
  if (problems.length === 0 && (pageAsked === undefined || pageAsked === '')) {
    values.historyPageBytes = Math.max(
      MIN_HISTORY_PAGE_BYTES,
      Math.min(config.historyPageBytes, Math.floor(config.slowReaderBytes / 2)),
    );
  } else if (problems.length === 0 && config.historyPageBytes * 2 > config.slowReaderBytes) {
    problems.push({
      option: 'HISTORY_PAGE_BYTES',
      message: `HISTORY_PAGE_BYTES (--history-page-bytes) must be at most half of SLOW_READER_BYTES (${config.slowReaderBytes}); got ${config.historyPageBytes}`,
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze({
    ...config,
    allowedOrigins: Object.freeze([...config.allowedOrigins]),
    trustProxy: Object.freeze([...config.trustProxy]),
  });
}

// Why a folder cannot serve as the web root, or null when it can.
function findWebRootProblem(folder: string): string | null {
  try {
    if (!statSync(folder).isDirectory()) return 'is not a folder';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? 'unknown error'})`;
  }
  try {
    if (statSync(path.join(folder, WEB_ROOT_ENTRY)).isFile()) return null;
  } catch {
    // A missing or unreadable entry page is reported just below.
  }
  return `has no ${WEB_ROOT_ENTRY}`;
}

/**
 * Checks that the web root holds the built web app and throws a ConfigError naming WEB_ROOT
 * if not. The entry point runs it before listening; parseConfig does not, so tests can build
 * servers on any folder without touching the file system.
 */
export function checkWebRoot(config: Pick<Config, 'webRoot'>): void {
  const problem = findWebRootProblem(config.webRoot);
  if (problem === null) return;
  const { env, accepts } = CONFIG_OPTIONS.webRoot;
  throw new ConfigError([
    {
      option: env,
      message: `${env} (--${flagOf(env)}) must be ${accepts}; ${JSON.stringify(config.webRoot)} ${problem}. Build the app with "npm run build" (npm start does), or point ${env} at its dist folder`,
    },
  ]);
}
