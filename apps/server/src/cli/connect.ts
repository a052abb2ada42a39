/**
 * One small transport interface over the two clients the terminal chat uses: the router
 * package's hixie client for draft-75/76 and WebSocket-Node's client for RFC 6455. The chat
 * session above it sends and receives text frames and never knows which protocol carries them.
 */
import type { EventEmitter } from 'node:events';
import type { ChatProtocol } from './constants.js';
import { connectHixieTransport } from './hixie-transport.js';
import { connectRfc6455Transport } from './rfc6455-transport.js';

/** How a transport ended. */
export interface TransportClose {
  /** True when the protocol's closing handshake completed (or, on draft-75, TCP ended in order). */
  readonly clean: boolean;
  /** The RFC 6455 close code; absent on the drafts, which have none. */
  readonly code?: number;
  /** Why, in a few words, when something went wrong or the peer said. */
  readonly reason?: string;
}

/** Events of a transport. */
export interface ChatTransportEvents {
  /** One text frame from the server. */
  message: [text: string];
  /** The connection is closed: emitted exactly once. */
  close: [close: TransportClose];
}

/** An open connection to the chat endpoint, whatever its protocol. */
export interface ChatTransport extends EventEmitter<ChatTransportEvents> {
  /** The protocol spoken. */
  readonly protocol: ChatProtocol;
  /** Sends one text frame; false when the connection is no longer open. */
  send(text: string): boolean;
  /** Closes with the protocol's own close: 1000 on RFC 6455, `0xFF 0x00` on draft-76, TCP end on draft-75. */
  close(): void;
  /** Drops the socket at once, for a peer that stopped answering. */
  terminate(): void;
}

/** Where and how to connect. */
export interface ConnectOptions {
  /** The protocol to speak. */
  readonly protocol: ChatProtocol;
  /** The chat endpoint, e.g. `ws://127.0.0.1:8080/ws`. */
  readonly url: string;
}

/** Opens the connection; rejects with the client's own error when the handshake fails. */
export function connectChatTransport(options: ConnectOptions): Promise<ChatTransport> {
  switch (options.protocol) {
    case 'hixie-76':
      return connectHixieTransport(options.url, 76);
    case 'hixie-75':
      return connectHixieTransport(options.url, 75);
    case 'rfc6455':
      return connectRfc6455Transport(options.url);
  }
}
