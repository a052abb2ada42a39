// There is no @types/faye-websocket on the registry: the small part the naive peer uses.
declare module 'faye-websocket' {
  import type { EventEmitter } from 'node:events';
  import type { IncomingMessage } from 'node:http';
  import type { Duplex } from 'node:stream';

  interface FayeMessageEvent {
    readonly data: string | Buffer;
  }

  class WebSocket extends EventEmitter {
    constructor(
      request: IncomingMessage,
      socket: Duplex,
      body: Buffer,
      protocols?: readonly string[],
      options?: { maxLength?: number },
    );
    static isWebSocket(request: IncomingMessage): boolean;
    /** 1 when open: faye leaves `WebSocket.OPEN` undefined. */
    readonly readyState: number;
    send(data: string | Buffer): boolean;
    on(event: 'message', listener: (event: FayeMessageEvent) => void): this;
    on(event: 'close', listener: () => void): this;
    on(event: 'error', listener: () => void): this;
  }

  export = WebSocket;
}
