// There is no @types/faye-websocket on the registry: the small part the adapter uses.
declare module 'faye-websocket' {
  import type { EventEmitter } from 'node:events';
  import type { IncomingMessage } from 'node:http';
  import type { Duplex } from 'node:stream';

  interface FayeDriver {
    readonly readyState: number;
    close(reason?: string, code?: number): boolean;
    /** Where every byte from the socket goes; draft-76 passes its key3 leftovers as numbers. */
    parse: (chunk: Buffer | readonly number[]) => void;
    /** Frames and writes one outgoing message or control frame (hybi). */
    frame: (data: Buffer | string, type?: string, code?: number) => boolean;
    on(event: 'close', listener: () => void): this;
  }

  /** websocket-driver 0.7.4's hybi parser state that the adapter takes part in. */
  interface FayeHybiDriver extends FayeDriver {
    /** The frame being parsed: set from its first byte until `_emitFrame`. */
    _frame:
      | {
          readonly final: boolean;
          readonly opcode: number;
          readonly masked: boolean;
          readonly length: number;
          readonly maskingKey?: Buffer;
        }
      | undefined;
    /** Called with a frame's payload once all of it has arrived. */
    _emitFrame: (payload: Buffer) => void;
    /** Sends a Close with the code named by `type` and ends the connection. */
    _fail(
      type: 'protocol_error' | 'encoding_error' | 'policy_violation' | 'too_large',
      message: string,
    ): void;
    _requireMasking: boolean;
    /** The close codes the parser accepts besides 3000-4999. */
    ERROR_CODES: readonly number[];
  }

  interface FayeMessageEvent {
    readonly data: string | Buffer;
  }

  interface FayeCloseEvent {
    readonly code: number | null | undefined;
    readonly reason: string | null | undefined;
  }

  class WebSocket extends EventEmitter {
    constructor(
      request: IncomingMessage,
      socket: Duplex,
      body: Buffer,
      protocols?: readonly string[],
      options?: { maxLength?: number; ping?: number; headers?: Record<string, string> },
    );
    static isWebSocket(request: IncomingMessage): boolean;
    /** faye's RFC 6455 client, used by the tests. */
    static Client: new (
      url: string,
      protocols?: readonly string[],
      options?: { headers?: Record<string, string> },
    ) => WebSocket;
    readonly readyState: number;
    readonly version: string;
    readonly bufferedAmount: number;
    readonly _driver: FayeHybiDriver;
    _beginClose(reason: string, code: number): void;
    send(data: string | Buffer): boolean;
    close(code?: number, reason?: string): void;
    on(event: 'open', listener: () => void): this;
    on(event: 'message', listener: (event: FayeMessageEvent) => void): this;
    on(event: 'close', listener: (event: FayeCloseEvent) => void): this;
    on(event: 'error', listener: (event: { message?: string }) => void): this;
  }

  export = WebSocket;
}
