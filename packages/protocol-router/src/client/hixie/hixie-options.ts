/**
 * The options of `connectHixie()`, checked before any byte is sent: a bad option fails at once,
 * naming the option and what it accepts.
 */
import {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_MAX_MESSAGE_BYTES,
} from '../../constants.js';
import { checkPositiveOption } from '../option-checks.js';
import { type HixieDraft, isHixieDraft } from './hixie-drafts.js';
import { HixieError } from './hixie-errors.js';
import { checkHixieRequestOptions, type HixieTarget, parseHixieUrl } from './hixie-handshake.js';

/** How to open a hixie connection. */
export interface HixieClientOptions {
  /** `ws://host:port/path?query`, or `wss:` for TLS. */
  url: string;
  /** Certificates (PEM) to trust for `wss:` instead of Node's own roots. */
  ca?: string | Buffer;
  /** 75 or 76: decides the handshake's challenge and the closing (hixie-drafts.ts). */
  draft: HixieDraft;
  /** Sent as `Origin`, and the server must echo it. */
  origin?: string;
  /** Extra request headers; the handshake's own cannot be overridden. */
  headers?: Record<string, string>;
  /** Time allowed from connecting until the handshake is verified; default 5000. */
  handshakeTimeoutMs?: number;
  /** Largest frame payload accepted, in bytes; default 65536. */
  maxMessageBytes?: number;
  /** Time `close()` waits for the server's half of the closing; default 5000. */
  closeTimeoutMs?: number;
}

/** What an open connection needs to know of its options. */
export interface HixieConnectionSettings {
  /** Largest frame payload accepted, in bytes. */
  readonly maxMessageBytes: number;
  /** Time `close()` waits for the server's half of the closing. */
  readonly closeTimeoutMs: number;
}

/** HixieClientOptions as `connectHixie` uses them: checked, every default filled in. */
export interface ResolvedHixieOptions extends HixieConnectionSettings {
  readonly draft: HixieDraft;
  /** Where to connect and what location the server must confirm. */
  readonly target: HixieTarget;
  /** Time allowed from connecting until the handshake is verified. */
  readonly handshakeTimeoutMs: number;
  /** Certificates to trust for `wss:`, when given. */
  readonly ca: string | Buffer | undefined;
}

const invalid = (message: string) => new HixieError('invalid_options', message);

function checkPositive(name: string, value: number | undefined, fallback: number): number {
  return checkPositiveOption(name, value, fallback, invalid);
}

/** Checks every option and fills in the defaults; throws a HixieError `invalid_options`. */
export function resolveHixieOptions(options: HixieClientOptions): ResolvedHixieOptions {
  const { draft } = options;
  if (!isHixieDraft(draft)) {
    throw new HixieError('invalid_options', `draft must be 75 or 76, got ${String(draft)}`);
  }
  const target = parseHixieUrl(options.url);
  checkHixieRequestOptions(options);
  return {
    draft,
    target,
    ca: options.ca,
    handshakeTimeoutMs: checkPositive(
      'handshakeTimeoutMs',
      options.handshakeTimeoutMs,
      DEFAULT_HANDSHAKE_TIMEOUT_MS,
    ),
    maxMessageBytes: checkPositive(
      'maxMessageBytes',
      options.maxMessageBytes,
      DEFAULT_MAX_MESSAGE_BYTES,
    ),
    closeTimeoutMs: checkPositive(
      'closeTimeoutMs',
      options.closeTimeoutMs,
      DEFAULT_CLOSE_TIMEOUT_MS,
    ),
  };
}
