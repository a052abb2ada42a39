/**
 * Errors of the hixie client, each with a stable code so that callers (the relay, the CLI,
 * tests) can branch on the code and never on the message.
 */

/** Every reason the hixie client fails. */
export const HIXIE_ERROR_CODES = [
  'invalid_options',
  'handshake_timeout',
  'handshake_closed',
  'bad_status',
  'bad_response',
  'bad_answer',
  'too_large',
  'invalid_utf8',
] as const;

/** One reason the hixie client fails. */
export type HixieErrorCode = (typeof HIXIE_ERROR_CODES)[number];

/** An error raised by the hixie client or its frame parser. */
export class HixieError extends Error {
  /** Why it failed. */
  readonly code: HixieErrorCode;
  /** The HTTP status of a handshake answer that was not `101`. */
  readonly status: number | undefined;

  constructor(code: HixieErrorCode, message: string, status?: number) {
    super(message);
    this.name = 'HixieError';
    this.code = code;
    this.status = status;
  }
}

/** Tells a HixieError apart from any other error, optionally of one code. */
export function isHixieError(error: unknown, code?: HixieErrorCode): error is HixieError {
  return error instanceof HixieError && (code === undefined || error.code === code);
}
