/**
 * The RFC 6455 transport: WebSocket-Node's client, with receive limits raised from its defaults
 * (64 KiB a frame, 1 MiB a message) so a `welcome` carrying the room's history fits, and a
 * connect timeout, which the library does not have.
 */
import { EventEmitter } from 'node:events';
import websocket from 'websocket';
import type { ChatTransport, ChatTransportEvents } from './connect.js';
import { CLOSE_TIMEOUT_MS, CONNECT_TIMEOUT_MS, MAX_RECEIVE_BYTES } from './constants.js';

// RFC 6455 §7.4.1: 1000 is a normal closure, 1006 means no close frame was received.
const NORMAL_CLOSURE = 1000;
const ABNORMAL_CLOSURE = 1006;

class Rfc6455Transport extends EventEmitter<ChatTransportEvents> implements ChatTransport {
  readonly protocol = 'rfc6455' as const;
  readonly #connection: websocket.connection;
  #lastError: Error | undefined;

  constructor(connection: websocket.connection) {
    super();
    this.#connection = connection;
    connection.on('message', (message) => {
      // The contract is text only; a binary frame from the server is not a chat message.
      if (message.type === 'utf8') this.emit('message', message.utf8Data);
    });
    connection.on('error', (error) => {
      this.#lastError = error;
    });
    connection.on('close', (code, description) => {
      const reason = description || this.#lastError?.message;
      this.emit('close', {
        clean: code !== ABNORMAL_CLOSURE,
        code,
        ...(reason ? { reason } : {}),
      });
    });
  }

  send(text: string): boolean {
    if (!this.#connection.connected) return false;
    this.#connection.sendUTF(text);
    return true;
  }

  close(): void {
    if (this.#connection.connected) this.#connection.close(NORMAL_CLOSURE);
  }

  terminate(): void {
    this.#connection.drop(ABNORMAL_CLOSURE, 'terminated by the client', true);
  }
}

/** Opens an RFC 6455 connection to `url`. */
export function connectRfc6455Transport(url: string): Promise<ChatTransport> {
  return new Promise((resolve, reject) => {
    const client = new websocket.client({
      maxReceivedFrameSize: MAX_RECEIVE_BYTES,
      maxReceivedMessageSize: MAX_RECEIVE_BYTES,
      closeTimeout: CLOSE_TIMEOUT_MS,
    });
    const timer = setTimeout(() => {
      client.abort();
      reject(new Error(`no handshake from the server in ${CONNECT_TIMEOUT_MS} ms`));
    }, CONNECT_TIMEOUT_MS);
    client.once('connect', (connection) => {
      clearTimeout(timer);
      resolve(new Rfc6455Transport(connection));
    });
    client.once('connectFailed', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    client.connect(url);
  });
}
