/**
 * One generator connection on a raw `net` socket: it does its own handshake, frames what it
 * sends, and counts (or, when asked, decodes) what it receives. Pings are answered so that
 * WebSocket-Node's keepalive never drops an idle bench connection. The handshake, the framing
 * and the frame readers are the protocol-router package's (its client kit and codecs); what is
 * the bench's own is how it reads the socket.
 *
 * Reads use `net`'s `onread` with one buffer shared by every socket: a naive server writes one
 * small frame at a time, so the generator does about one read per delivery, and the stream
 * machinery ('data' events, a fresh Buffer per read) would cost more than the server's side.
 * The buffer is overwritten by the next read, so nothing may keep a view of it: the handshake
 * copies what it accumulates, and the frame readers copy what they keep across reads. With
 * `decode` off the readers only count: they walk frame headers (RFC 6455) or scan for `0xFF`
 * (draft-76) and copy nothing. A server never sends the draft's other frame types for text, so
 * one is treated as a broken stream.
 */
import net from 'node:net';
import {
  createClientHandshake,
  encodeHixieTextFrame,
  encodeHybiFrame,
  HixieFrameReader,
  HYBI_OPCODES,
  HybiFrameReader,
  readHandshakeResponse,
} from '@draftbridge/protocol-router';
import { HANDSHAKE_TIMEOUT_MS, READ_BUFFER_BYTES, type WireProtocol } from '../constants.js';
import { type DeliveryCounter, now } from './delivery-counter.js';

// Safe to share: each read's callback runs to completion before libuv reads into it again.
const sharedReadBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);

/** Where and how to connect. */
export interface ConnectTarget {
  readonly host: string;
  readonly port: number;
  readonly path: string;
}

/** An open connection of the load generator. */
export class BenchConnection {
  readonly protocol: WireProtocol;
  readonly socket: net.Socket;
  /** Where received text messages are counted; null while not measuring. */
  counter: DeliveryCounter | null = null;
  /** Called with each text payload (valid only during the call) while `decode` is on. */
  onMessage: ((payload: Buffer, at: number) => void) | null = null;
  /** Whether the server closed or dropped this connection. */
  closed = false;
  /** Why the generator gave up on this connection's byte stream, if it did. */
  protocolError: string | null = null;
  readonly #reader: HybiFrameReader | HixieFrameReader;

  constructor(protocol: WireProtocol, socket: net.Socket) {
    this.protocol = protocol;
    this.socket = socket;
    this.#reader = protocol === 'rfc6455' ? this.#hybiReader() : this.#hixieReader();
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
    return this.protocol === 'rfc6455'
      ? encodeHybiFrame(HYBI_OPCODES.text, Buffer.from(text, 'utf8'), { mask: true })
      : encodeHixieTextFrame(text);
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

  #hybiReader(): HybiFrameReader {
    return new HybiFrameReader(
      {
        onMessage: (opcode, payload) => {
          if (opcode === HYBI_OPCODES.text) this.onMessage?.(payload, now());
        },
        onControl: (opcode, payload) => {
          if (opcode === HYBI_OPCODES.ping && !this.socket.destroyed) {
            this.socket.write(encodeHybiFrame(HYBI_OPCODES.pong, payload, { mask: true }));
          } else if (opcode === HYBI_OPCODES.close) {
            this.#onClose();
          }
        },
      },
      { decode: false },
    );
  }

  #hixieReader(): HixieFrameReader {
    return new HixieFrameReader(
      {
        onText: (payload) => {
          if (payload !== null) this.onMessage?.(payload, now());
        },
        onClose: () => this.#onClose(),
        onSkipped: (type) => {
          throw new Error(`unexpected hixie-76 frame type 0x${type.toString(16)}`);
        },
        onTooLarge: (reason) => {
          throw new Error(reason);
        },
      },
      { maxPayloadBytes: Number.MAX_SAFE_INTEGER, decode: false },
    );
  }

  #onClose(): void {
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
    const request = createClientHandshake(protocol === 'rfc6455' ? 'rfc6455' : 'hixie-76', {
      host: `${target.host}:${target.port}`,
      resource: target.path,
    });
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
      const result = readHandshakeResponse(request, received);
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
    socket.on('connect', () => socket.write(Buffer.concat([request.head, request.body])));
  });
}
