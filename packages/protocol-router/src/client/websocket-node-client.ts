/**
 * RFC 6455 and hybi-08 through WebSocket-Node's own client (npm `websocket`, `webSocketVersion`
 * 13 or 8; with 8 it sends the origin as `Sec-WebSocket-Origin`).
 *
 * What the library leaves to us: its receive limits default to 64 KiB a frame and 1 MiB a
 * message, so both are set to `maxMessageBytes`; it has no connect timeout, so the handshake is
 * aborted after `handshakeTimeoutMs`; and it emits its connection, and processes the frames that
 * came with the handshake, synchronously, before a caller woken by a promise can listen, so the
 * client's events are held until the macrotask after it resolves (the hixie client pauses its
 * socket for the same turn). With `trace`, the library's socket is watched: what it reads is
 * cut into frames by the package's reader, and each of its writes is one frame; and its
 * request's socket is tapped from the moment Node hands it over until the library accepts the
 * answer, for the handshake's exact bytes.
 *
 * The library parses one frame a turn. A server's Close that arrives with its FIN behind other
 * frames (a fast server sends its last messages, the Close and the FIN in one flight) was still
 * unparsed when the socket closed, and the library reported 1006, "Connection dropped by remote
 * peer", for a close the server did send. So the socket's close reaches the library only once
 * it has parsed what it had already received.
 */
import { EventEmitter } from 'node:events';
import type http from 'node:http';
import type net from 'node:net';
import websocket from 'websocket';
import { HybiFrameReader } from '../hybi/hybi-frames.js';
import { type HandshakeBytes, splitHandshakeBytes } from './handshake.js';
import {
  checkCloseCode,
  type ProtocolClient,
  type ProtocolClientEvents,
  type ResolvedClientOptions,
} from './protocol-client.js';

interface LibraryReadState {
  readonly bufferList: { readonly length: number };
}

// The library's close listener is the one it bound to the connection (`handleSocketClose`,
// an unnamed function, bound: 'bound '); Node's own (TLS has one) are left where they are.
function closeAfterParsing(connection: websocket.connection): void {
  const { socket } = connection;
  const { bufferList } = connection as unknown as LibraryReadState;
  const libraryListeners = (socket.listeners('close') as ((hadError: boolean) => void)[]).filter(
    (listener) => listener.name === 'bound ',
  );
  if (libraryListeners.length !== 1) return;
  for (const listener of libraryListeners) socket.off('close', listener);
  socket.on('close', (hadError: boolean) => {
    let unparsed = bufferList.length;
    const handOver = () => {
      // The library parses a frame a turn while bytes are left; stop once a turn parsed nothing
      // (what is left is an unfinished frame).
      if (bufferList.length > 0 && bufferList.length < unparsed) {
        unparsed = bufferList.length;
        setImmediate(handOver);
        return;
      }
      for (const listener of libraryListeners) listener(hadError);
    };
    if (unparsed === 0) handOver();
    else {
      unparsed += 1;
      setImmediate(handOver);
    }
  });
}

class WebSocketNodeClient extends EventEmitter<ProtocolClientEvents> implements ProtocolClient {
  readonly protocol: 'rfc6455' | 'hybi-08';
  readonly socket: net.Socket;
  readonly handshake: HandshakeBytes | null;
  readonly #connection: websocket.connection;
  // Events emitted before the caller could listen, replayed once it can; null once released.
  #held: (() => void)[] | null = [];

  constructor(
    connection: websocket.connection,
    protocol: 'rfc6455' | 'hybi-08',
    handshake: HandshakeBytes | null,
  ) {
    super();
    this.protocol = protocol;
    this.handshake = handshake;
    this.#connection = connection;
    this.socket = connection.socket;
    closeAfterParsing(connection);
    connection.on('message', (message) => {
      // Text only: a binary message is not a chat message.
      if (message.type === 'utf8') this.#deliver(() => this.emit('message', message.utf8Data));
    });
    connection.on('error', (error) => this.#deliver(() => this.emit('error', error)));
    connection.on('close', (code, description) => {
      this.#deliver(() => this.emit('close', code, description));
    });
  }

  get isOpen(): boolean {
    return this.#connection.connected;
  }

  send(text: string): boolean {
    if (!this.#connection.connected) return false;
    this.#connection.sendUTF(text);
    return true;
  }

  close(code = 1000, reason = ''): void {
    checkCloseCode(code, reason);
    if (this.#connection.connected) this.#connection.close(code, reason);
  }

  terminate(): void {
    this.socket.destroy();
  }

  /** Emits every frame crossing the socket as `frame`, from `early` (bytes the library already read) on. */
  traceFrames(early: Buffer | undefined): void {
    const reader = new HybiFrameReader(
      {
        onFrame: (raw) => this.#deliver(() => this.emit('frame', 'in', raw)),
        onMessage: () => {},
        onControl: () => {},
      },
      { decode: false },
    );
    const read = (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch {
        // A stream the tracer cannot read is the library's to refuse; tracing just stops.
        this.socket.off('data', read);
      }
    };
    if (early !== undefined && early.length > 0) read(early);
    this.socket.on('data', read);
    // WebSocket-Node writes each frame with one socket.write, and exposes no other hook.
    const write = this.socket.write.bind(this.socket);
    this.socket.write = ((chunk: Uint8Array | string, ...rest: never[]) => {
      this.#deliver(() => this.emit('frame', 'out', Buffer.from(chunk)));
      return write(chunk, ...rest);
    }) as net.Socket['write'];
  }

  /** Delivers the held events; from now on events are emitted as they happen. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = null;
    for (const emit of held) emit();
  }

  #deliver(emit: () => void): void {
    if (this.#held) this.#held.push(emit);
    else emit();
  }
}

/** What a handshake tap has seen so far. */
interface SocketTap {
  /** Stops watching and hands back every byte written and read. */
  stop(): { readonly sent: Buffer; readonly received: Buffer };
}

// Watches a socket's writes and reads. The read listener goes first, so that it sees a chunk
// before Node's HTTP parser, which hands the socket to the library (and the library emits its
// connection) while still handling that chunk.
function tapSocket(socket: net.Socket): SocketTap {
  const sent: Buffer[] = [];
  const received: Buffer[] = [];
  const onData = (chunk: Buffer) => received.push(Buffer.from(chunk));
  socket.prependListener('data', onData);
  const write = socket.write;
  socket.write = ((chunk: Uint8Array | string, ...rest: never[]) => {
    sent.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : Buffer.from(chunk));
    return write.call(socket, chunk, ...rest);
  }) as net.Socket['write'];
  return {
    stop() {
      socket.off('data', onData);
      socket.write = write;
      return { sent: Buffer.concat(sent), received: Buffer.concat(received) };
    },
  };
}

// The library's request, which it keeps from connect() until the answer comes.
function requestOf(client: websocket.client): http.ClientRequest | null {
  return (client as { _req?: http.ClientRequest | null })._req ?? null;
}

/** Opens an RFC 6455 (version 13) or hybi-08 (version 8) connection with WebSocket-Node. */
export function connectWebSocketNode(options: ResolvedClientOptions): Promise<ProtocolClient> {
  const protocol = options.protocol === 'hybi-08' ? 'hybi-08' : 'rfc6455';
  return new Promise((resolve, reject) => {
    const client = new websocket.client({
      webSocketVersion: protocol === 'hybi-08' ? 8 : 13,
      maxReceivedFrameSize: options.maxMessageBytes,
      maxReceivedMessageSize: options.maxMessageBytes,
      closeTimeout: options.closeTimeoutMs,
      ...(options.ca === undefined ? {} : { tlsOptions: { ca: options.ca } }),
    });
    const timer = setTimeout(() => {
      client.abort();
      reject(new Error(`no handshake from the server in ${options.handshakeTimeoutMs} ms`));
    }, options.handshakeTimeoutMs);
    let tap: SocketTap | undefined;
    client.once('connect', (connection) => {
      clearTimeout(timer);
      const seen = tap?.stop();
      const handshake =
        seen === undefined ? null : splitHandshakeBytes(protocol, seen.sent, seen.received, 0);
      const opened = new WebSocketNodeClient(connection, protocol, handshake);
      // The bytes that came with the handshake; the library reads them right after this event.
      if (options.trace) opened.traceFrames((client as { firstDataChunk?: Buffer }).firstDataChunk);
      resolve(opened);
      setImmediate(() => opened.release());
    });
    client.once('connectFailed', (error) => {
      clearTimeout(timer);
      tap?.stop();
      reject(error);
    });
    client.connect(options.url, undefined, options.origin, { ...options.headers });
    if (options.trace) {
      // Node emits `socket` before it writes the request to it.
      requestOf(client)?.once('socket', (socket: net.Socket) => {
        tap = tapSocket(socket);
      });
    }
  });
}
