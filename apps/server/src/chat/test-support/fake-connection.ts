/**
 * A Connection with no socket behind it, for unit tests of the hub and the session: it records
 * what is sent and how it is closed, and lets a test play the client's side.
 */
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import type {
  Connection,
  ConnectionEvents,
  Engine,
  PreparedBatch,
  PreparedMessage,
  Protocol,
} from '@draftbridge/protocol-router';
import { PROTOCOL_TABLE } from '@draftbridge/protocol-router';

/** A recorded close or terminate. */
export interface FakeClose {
  readonly code: number | undefined;
  readonly reason: string | undefined;
  readonly terminated: boolean;
}

/** A fake connection of a given protocol. */
export class FakeConnection extends EventEmitter<ConnectionEvents> implements Connection {
  readonly protocol: Protocol;
  readonly engine: Engine;
  readonly path = '/ws';
  readonly query = new URLSearchParams();
  readonly origin = undefined;
  readonly remoteAddress = '127.0.0.1';
  readonly remotePort = 40000;
  readonly clientAddress = '127.0.0.1';
  readonly headers: IncomingHttpHeaders = {};
  isOpen = true;
  bufferedAmount = 0;
  /** When true, every send stays in the buffer, as with a peer that stopped reading. */
  stalled = false;
  /** When true, `close` starts a closing handshake that the peer never answers: no `close` event. */
  unansweredClose = false;
  /** Everything passed to `send`, in order. */
  readonly sent: (string | PreparedMessage)[] = [];
  /** Set once the connection is closed or terminated. */
  closed: FakeClose | undefined;

  constructor(
    protocol: Protocol = 'rfc6455',
    engine: Engine = PROTOCOL_TABLE[protocol].defaultEngine,
  ) {
    super();
    this.protocol = protocol;
    this.engine = engine;
  }

  /** The text of every message sent. */
  get texts(): string[] {
    return this.sent.map((message) => (typeof message === 'string' ? message : message.text));
  }

  /** Every message sent, parsed. */
  get received(): Record<string, unknown>[] {
    return this.texts.map((text) => JSON.parse(text) as Record<string, unknown>);
  }

  /** Messages sent of one `type`, parsed. */
  receivedOf(type: string): Record<string, unknown>[] {
    return this.received.filter((message) => message.type === type);
  }

  send(message: string | PreparedMessage): boolean {
    if (!this.isOpen) return false;
    this.sent.push(message);
    if (this.stalled) {
      const text = typeof message === 'string' ? message : message.text;
      this.bufferedAmount += Buffer.byteLength(text);
    }
    // The router's turn: frames of a turn go out together, then `flush`.
    if (!this.#turnScheduled) {
      this.#turnScheduled = true;
      setImmediate(() => {
        this.#turnScheduled = false;
        this.emit('flush');
      });
    }
    return true;
  }

  #turnScheduled = false;

  sendBatch(batch: PreparedBatch): boolean {
    if (!this.isOpen) return false;
    for (const message of batch.messages) this.send(message);
    return true;
  }

  /** Plays the router dropping this connection as a slow reader. */
  overflow(bufferedBytes: number): void {
    this.bufferedAmount = bufferedBytes;
    this.emit('overflow', bufferedBytes);
    this.terminate();
  }

  close(code?: number, reason?: string): void {
    if (this.closed !== undefined) return;
    this.isOpen = false;
    this.closed = { code, reason, terminated: false };
    if (!this.unansweredClose) this.emit('close', code ?? 1000, reason ?? '');
  }

  terminate(): void {
    if (this.closed !== undefined) return;
    this.isOpen = false;
    this.closed = { code: undefined, reason: undefined, terminated: true };
    this.emit('close', 1006, '');
  }

  /** Plays the client sending one text frame. */
  receive(message: string | object): void {
    this.emit('text', typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Plays the client sending one binary frame. */
  receiveBinary(data: Buffer): void {
    this.emit('binary', data);
  }

  /** Plays the client going away. */
  drop(): void {
    this.terminate();
  }
}
