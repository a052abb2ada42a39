/**
 * What an engine adapter is: something that completes an accepted handshake on a socket and
 * hands back a `Connection`. Adding an engine is one file plus one line in `index.ts`.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Accepted } from '../classify.js';
import type { Connection } from '../connection.js';
import type { Engine } from '../protocols.js';

/** Limits every engine enforces itself. */
export interface EngineLimits {
  readonly maxMessageBytes: number;
  readonly keepaliveIntervalMs: number;
  readonly closeTimeoutMs: number;
}

/** Everything an adapter needs to take a socket. */
export interface EngineContext {
  readonly request: IncomingMessage;
  readonly socket: Socket;
  /** Bytes the HTTP parser read past the headers (hixie-76's key3, early frames). */
  readonly head: Buffer;
  readonly decision: Accepted;
  readonly limits: EngineLimits;
}

/** One engine behind the router. */
export interface EngineAdapter {
  readonly name: Engine;
  /** Completes the handshake; resolves once the connection is open, rejects if it never opens. */
  accept(context: EngineContext): Promise<Connection>;
}
