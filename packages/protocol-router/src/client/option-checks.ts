/**
 * The checks the clients run on their options before anything is sent, each failing with the
 * caller's own error type (a HixieError on the drafts' client): limits and timeouts must be
 * positive integers; header names RFC 7230 §3.2.6 tokens, values and the origin free of CR, LF
 * and NUL (no header injection), and a handshake's own headers cannot be overridden.
 */

// RFC 7230 §3.2.6 token, and a field value without CR, LF or NUL.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** What the caller adds to a handshake request. */
export interface RequestOptions {
  /** Sent as `Origin` (`Sec-WebSocket-Origin` on hybi-07/08); browsers always send one. */
  readonly origin?: string | undefined;
  /** Extra request headers; the handshake's own headers cannot be overridden. */
  readonly headers?: Readonly<Record<string, string>> | undefined;
}

/**
 * Throws `fail(message)` for the first origin or header that may not go into a request whose
 * own headers are `handshakeHeaders` (lower case).
 */
export function checkRequestOptions(
  options: RequestOptions,
  handshakeHeaders: ReadonlySet<string>,
  fail: (message: string) => Error,
): void {
  if (options.origin !== undefined && !HEADER_VALUE.test(options.origin)) {
    throw fail('origin must not contain CR, LF or NUL');
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (!HEADER_NAME.test(name)) throw fail(`headers: invalid header name ${JSON.stringify(name)}`);
    if (!HEADER_VALUE.test(value)) throw fail(`headers: invalid value for ${name}`);
    if (handshakeHeaders.has(name.toLowerCase())) {
      throw fail(`headers: ${name} is set by the handshake itself`);
    }
  }
}

/** `value`, or `fallback` when absent; throws `fail(message)` unless it is a positive integer. */
export function checkPositiveOption(
  name: string,
  value: number | undefined,
  fallback: number,
  fail: (message: string) => Error,
): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw fail(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}
