/**
 * Errors of the Redis hub that a session turns into a wire `error`.
 */

/**
 * Redis could not take a `say` (down, unreachable, too slow). The message was not acknowledged:
 * the session answers `error` `unavailable`, keeps the connection open, and the client keeps
 * the message pending and sends it again; dedupe makes the resend safe even if the first
 * attempt did land.
 */
export class HubUnavailableError extends Error {
  /** The wire error code the session answers with. */
  readonly code = 'unavailable' as const;

  constructor(cause: unknown) {
    super(
      `The chat store is unavailable: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'HubUnavailableError';
  }
}
