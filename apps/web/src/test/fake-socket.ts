/**
 * A fake socket factory for connection tests: records every socket it opened and what was
 * sent on it, and lets the test play the server (open, messages, close).
 */
import type { SocketFactory, SocketHandlers } from '../lib/socket.js';

/** One socket the code under test opened. */
export interface FakeSocket {
  readonly url: string;
  readonly sent: unknown[];
  closed: boolean;
  open(): void;
  receive(message: object | string): void;
  drop(code?: number): void;
}

/** A factory plus the list of sockets it made. */
export interface FakeSocketFactory {
  readonly create: SocketFactory;
  readonly sockets: FakeSocket[];
  /** The most recently opened socket; throws if none. */
  latest(): FakeSocket;
}

/** Builds a fake factory. */
export function createFakeSocketFactory(): FakeSocketFactory {
  const sockets: FakeSocket[] = [];
  const create: SocketFactory = (url, handlers: SocketHandlers) => {
    const socket: FakeSocket = {
      url,
      sent: [],
      closed: false,
      open: () => handlers.onOpen(),
      receive: (message) =>
        handlers.onText(typeof message === 'string' ? message : JSON.stringify(message)),
      drop: (code = 1006) => {
        socket.closed = true;
        handlers.onClose(code);
      },
    };
    sockets.push(socket);
    return {
      send: (text) => {
        if (socket.closed) throw new Error('send on a closed socket');
        socket.sent.push(JSON.parse(text));
      },
      close: () => {
        socket.closed = true;
      },
    };
  };
  return {
    create,
    sockets,
    latest() {
      const socket = sockets.at(-1);
      if (socket === undefined) throw new Error('no socket opened');
      return socket;
    },
  };
}
