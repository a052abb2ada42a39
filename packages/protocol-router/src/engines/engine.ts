/**
 * What an engine adapter is: something that completes an accepted handshake on a socket and
 * hands back a `Connection`. Adding an engine is one file plus one line in `index.ts`.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Accepted } from '../classify.js';
import type { Connection } from '../connection.js';
import type { Outbox } from '../outbox.js';
import type { Protocol } from '../protocols.js';
import type { IdleSweep } from './engine-connection.js';

/** Limits every connection keeps, whatever its engine (constants.ts has the defaults). */
export interface EngineLimits {
  /** Largest frame and reassembled message, in bytes. */
  readonly maxMessageBytes: number;
  /** Most frames one message may arrive in. */
  readonly maxFragments: number;
  readonly closeTimeoutMs: number;
  /** Backlog past which the connection is dropped as a slow reader. */
  readonly maxBufferedBytes: number;
  /** Inbound budget; `Infinity` turns it off. */
  readonly inboundBytesPerSecond: number;
  readonly inboundBurstBytes: number;
}

/** Everything an adapter needs to take a socket. */
export interface EngineContext {
  readonly request: IncomingMessage;
  readonly socket: Socket;
  /** Bytes the HTTP parser read past the headers (hixie-76's key3, early frames). */
  readonly head: Buffer;
  readonly decision: Accepted;
  readonly limits: EngineLimits;
  /** Where every frame to this socket goes (the socket is already guarded by it). */
  readonly outbox: Outbox;
  /** Where the connection registers for the idle timeout. */
  readonly sweep: IdleSweep;
}

/** How an adapter reports the outcome of a handshake. */
export interface AcceptCallbacks {
  /**
   * Called synchronously when the engine opens the connection, before it parses another byte:
   * frames that arrived with the handshake (hixie-76 key3 and a first frame in one packet) are
   * delivered right after, so listeners attached here miss nothing. A promise would lose them.
   */
  onOpen(connection: Connection): void;
  /** Called if the handshake never completes. */
  onFail(error: Error): void;
}

/** One engine behind the router. */
export interface EngineAdapter {
  /** The protocols it can serve; the protocol table says which one serves each by default. */
  readonly serves: readonly Protocol[];
  /** Completes the handshake; throws if the engine refuses the request outright. */
  accept(context: EngineContext, callbacks: AcceptCallbacks): void;
}
