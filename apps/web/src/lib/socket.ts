/**
 * The narrow socket the chat connection drives: open, text in, close, and send. The browser
 * adapter hides `WebSocket`'s event objects, and tests hand the connection a fake instead.
 */

/** What a socket reports to its owner. */
export interface SocketHandlers {
  onOpen(): void;
  onText(text: string): void;
  onClose(code: number): void;
}

/** What the owner can do with a socket. */
export interface SocketHandle {
  send(text: string): void;
  /** Closes the socket; no handler is called after this. */
  close(code: number, reason: string): void;
}

/** Opens a socket to a URL. */
export type SocketFactory = (url: string, handlers: SocketHandlers) => SocketHandle;

/** Close code for a close the page chose (RFC 6455 §7.4.1). */
export const NORMAL_CLOSURE = 1000;

/** Close code reported when a socket never opened or dropped without a close frame. */
export const ABNORMAL_CLOSURE = 1006;

/** Opens a browser `WebSocket`. Binary frames are ignored: the chat is text only. */
export const createBrowserSocket: SocketFactory = (url, handlers) => {
  const socket = new WebSocket(url);
  let attached = true;
  socket.onopen = () => {
    if (attached) handlers.onOpen();
  };
  socket.onmessage = (event: MessageEvent<unknown>) => {
    if (attached && typeof event.data === 'string') handlers.onText(event.data);
  };
  socket.onclose = (event) => {
    if (!attached) return;
    attached = false;
    handlers.onClose(event.code);
  };
  return {
    send(text) {
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
    },
    close(code, reason) {
      attached = false;
      socket.close(code, reason);
    },
  };
};
