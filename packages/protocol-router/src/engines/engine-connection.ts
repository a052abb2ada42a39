/**
 * The `Connection` both adapters return. It owns what the engines do not agree on: one close
 * event with a code, a close timeout, outgoing frames batched per turn (write-batcher.ts),
 * and a buffered amount counted the same way on both.
 */
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { Accepted } from '../classify.js';
import type { Connection, ConnectionEvents } from '../connection.js';
import { type FrameFamily, PreparedMessage } from '../prepared-message.js';
import type { Engine, Protocol } from '../protocols.js';
import { writeBatched } from '../write-batcher.js';

/** What an adapter tells the shared connection about its engine. */
export interface EngineHooks {
  /** True while the engine itself would still send a data frame. */
  isEngineOpen(): boolean;
  /** Starts the engine's own closing handshake. */
  closeEngine(code: number, reason: string): void;
  /** Bytes the engine holds that are not yet in the socket. */
  engineBuffered(): number;
}

/** Shared Connection implementation; adapters feed it events through `receive*` and `closed`. */
export class EngineConnection extends EventEmitter<ConnectionEvents> implements Connection {
  readonly protocol: Protocol;
  readonly engine: Engine;
  readonly path: string;
  readonly origin: string | undefined;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly headers: IncomingHttpHeaders;
  readonly #search: string;
  #query: URLSearchParams | undefined;
  readonly #socket: Socket;
  readonly #family: FrameFamily;
  readonly #hooks: EngineHooks;
  readonly #closeTimeoutMs: number;
  #closing = false;
  #closed = false;

  constructor(
    socket: Socket,
    decision: Accepted,
    headers: IncomingHttpHeaders,
    hooks: EngineHooks,
    closeTimeoutMs: number,
  ) {
    super();
    this.protocol = decision.protocol;
    this.engine = decision.engine;
    this.path = decision.path;
    // The query string, parsed only if someone asks: most connections never do.
    this.#search = decision.query.toString();
    this.origin = decision.origin;
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = socket.remotePort ?? 0;
    this.headers = headers;
    this.#socket = socket;
    this.#family = decision.protocol.startsWith('hixie') ? 'hixie' : 'hybi';
    this.#hooks = hooks;
    this.#closeTimeoutMs = closeTimeoutMs;
  }

  get query(): URLSearchParams {
    this.#query ??= new URLSearchParams(this.#search);
    return this.#query;
  }

  get isOpen(): boolean {
    return !this.#closing && !this.#closed && this.#hooks.isEngineOpen();
  }

  get bufferedAmount(): number {
    // Frames queued for this turn's write are not a backlog; what the socket still holds is.
    return this.#socket.writableLength + this.#hooks.engineBuffered();
  }

  send(message: string | PreparedMessage): boolean {
    if (!this.isOpen) return false;
    const prepared = typeof message === 'string' ? new PreparedMessage(message) : message;
    return writeBatched(this.#socket, prepared.frame(this.#family));
  }

  close(code = 1000, reason = ''): void {
    if (this.#closing || this.#closed) return;
    this.#closing = true;
    // A peer that never completes the closing handshake does not keep the socket.
    setTimeout(() => this.terminate(), this.#closeTimeoutMs).unref();
    this.#hooks.closeEngine(code, reason);
  }

  terminate(): void {
    this.#socket.destroy();
  }

  /** Adapter input: a text message arrived. */
  receiveText(text: string): void {
    if (!this.#closed) this.emit('text', text);
  }

  /** Adapter input: a binary message arrived. */
  receiveBinary(data: Buffer): void {
    if (!this.#closed) this.emit('binary', data);
  }

  /** Adapter input: the engine reported an error. */
  receiveError(error: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  /** Adapter input: the connection is closed; emits `close` once. */
  closed(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing = true;
    this.emit('close', code, reason);
  }
}
