/**
 * One generator connection on a raw `net` socket: it does its own handshake, frames what it
 * sends, and counts (or, when asked, decodes) what it receives. Pings are answered so that
 * WebSocket-Node's keepalive never drops an idle bench connection.
 *
 * Reads use `net`'s `onread` with one buffer shared by every socket: a naive server writes one
 * small frame at a time, so the generator does about one read per delivery, and the stream
 * machinery ('data' events, a fresh Buffer per read) would cost more than the server's side.
 * The buffer is overwritten by the next read, so nothing may keep a view of it: the handshake
 * copies what it accumulates, and the frame readers copy what they keep across reads.
 */
import net from 'node:net';
import { HANDSHAKE_TIMEOUT_MS, READ_BUFFER_BYTES, type WireProtocol } from '../constants.js';
import { type DeliveryCounter, now } from './delivery-counter.js';
import { createHandshakeRequest, parseHandshakeResponse } from './handshake.js';
import { encodeHixieText, Hixie76FrameReader } from './hixie76-frames.js';
import {
  encodeClientFrame,
  encodeClientText,
  type FrameSink,
  OPCODES,
  Rfc6455FrameReader,
} from './rfc6455-frames.js';

// Safe to share: each read's callback runs to completion before libuv reads into it again.
const sharedReadBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);

/** Where and how to connect. */
export interface ConnectTarget {
  readonly host: string;
  readonly port: number;
  readonly path: string;
}

/** An open connection of the load generator. */
export class BenchConnection implements FrameSink {
  readonly protocol: WireProtocol;
  readonly socket: net.Socket;
  /** Where received text messages are counted; null while not measuring. */
  counter: DeliveryCounter | null = null;
  /** Called with each decoded text payload while `decode` is on. */
  onMessage: ((payload: Buffer, at: number) => void) | null = null;
  /** Whether the server closed or dropped this connection. */
  closed = false;
  /** Why the generator gave up on this connection's byte stream, if it did. */
  protocolError: string | null = null;
  readonly #reader: Rfc6455FrameReader | Hixie76FrameReader;

  constructor(protocol: WireProtocol, socket: net.Socket) {
    this.protocol = protocol;
    this.socket = socket;
    this.#reader =
      protocol === 'rfc6455' ? new Rfc6455FrameReader(this) : new Hixie76FrameReader(this);
    socket.on('close', () => {
      this.closed = true;
    });
  }

  /** Whether received payloads are decoded and handed to `onMessage`. */
  get decode(): boolean {
    return this.#reader.decode;
  }

  set decode(on: boolean) {
    this.#reader.decode = on;
  }

  /** Frames one text message for this connection's protocol, ready to write (or to batch). */
  frame(text: string): Buffer {
    return this.protocol === 'rfc6455' ? encodeClientText(text) : encodeHixieText(text);
  }

  /** Frames and writes one text message. */
  send(text: string): void {
    this.socket.write(this.frame(text));
  }

  /** Consumes bytes from the server; called for every socket read after the handshake. */
  receive(chunk: Buffer): void {
    let texts: number;
    try {
      texts = this.#reader.push(chunk);
    } catch (error) {
      // A broken stream ends this connection and is reported, never crashes the generator.
      this.protocolError ??= (error as Error).message;
      this.socket.destroy();
      return;
    }
    if (texts > 0 && this.counter !== null) this.counter.add(texts, now());
  }

  /** @inheritdoc */
  onText(payload: Buffer): void {
    this.onMessage?.(payload, now());
  }

  /** @inheritdoc */
  onPing(payload: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(encodeClientFrame(OPCODES.pong, payload));
  }

  /** @inheritdoc */
  onClose(): void {
    this.closed = true;
    this.socket.destroy();
  }

  /** Drops the connection without a closing handshake (the bench has no use for one). */
  destroy(): void {
    this.socket.destroy();
  }
}

/** Connects, performs the opening handshake for `protocol`, and resolves with the connection. */
export function openConnection(
  protocol: WireProtocol,
  target: ConnectTarget,
): Promise<BenchConnection> {
  return new Promise((resolve, reject) => {
    const request = createHandshakeRequest(protocol, target.host, target.port, target.path);
    let connection: BenchConnection | null = null;
    let received: Buffer = Buffer.alloc(0);
    // Returns true to keep reading (false would pause the socket).
    const onRead = (length: number): boolean => {
      const chunk = sharedReadBuffer.subarray(0, length);
      if (connection !== null) {
        connection.receive(chunk);
        return true;
      }
      received = Buffer.concat([received, chunk]);
      const result = parseHandshakeResponse(request, received);
      if (result.state === 'incomplete') return true;
      if (result.state === 'failed') {
        fail(result.reason);
        return false;
      }
      clearTimeout(timer);
      socket.off('error', onError);
      socket.off('close', onEarlyClose);
      // Errors after the handshake (a reset at teardown) show as `closed`, not as crashes.
      socket.on('error', () => undefined);
      connection = new BenchConnection(protocol, socket);
      if (result.rest.length > 0) connection.receive(result.rest);
      resolve(connection);
      return true;
    };
    const socket = net.connect({
      host: target.host,
      port: target.port,
      onread: { buffer: sharedReadBuffer, callback: onRead },
    });
    socket.setNoDelay(true);
    const fail = (reason: string): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(new Error(`${protocol} handshake to ${target.path}: ${reason}`));
    };
    const timer = setTimeout(() => fail('timed out'), HANDSHAKE_TIMEOUT_MS);
    const onError = (error: Error): void => fail(error.message);
    const onEarlyClose = (): void => fail('closed before the handshake completed');
    socket.on('error', onError);
    socket.on('close', onEarlyClose);
    socket.on('connect', () => socket.write(request.bytes));
  });
}
