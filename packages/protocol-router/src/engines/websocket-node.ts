/**
 * WebSocket-Node (npm `websocket`) serves RFC 6455 and hybi-08.
 *
 * The router has already checked the handshake, so the adapter builds a `WebSocketRequest`
 * itself rather than mounting a `WebSocketServer` (which would answer and end sockets it
 * cannot serve). `handleUpgrade` ignores the bytes the HTTP parser read past the headers, so
 * they are put back with `socket.unshift` first.
 *
 * The adapter runs the library's read loop (`parseTurn`: the library's parser, a turn's share
 * of frames at a time), and every frame it parses passes through `takeFrame`, where the adapter takes over what
 * the library leaves undone or does in a way one socket can abuse:
 * - a client frame that is not masked closes with 1002 (RFC 6455 §5.1: the server "MUST close
 *   the connection upon receiving a frame that is not masked"); the library never checks;
 * - data frames go to the shared MessageAssembler (fragment count and size, UTF-8 failing at
 *   the fragment that breaks it) instead of the library's frame queue, which has no bound;
 * - a Close with a code that must never be sent (1004-1006, 1015, 0-999, 1016-2999) closes
 *   with 1002 (§7.4.1); the library would answer it with 1000;
 * - a ping is answered by a pong in the connection's outbox, where pongs of one turn coalesce
 *   (§5.5.3), instead of one socket write per ping.
 * The library's keepalive is off: its timer per connection is reset on every frame, where the
 * router's idle sweep pings quiet connections with one timer for all (engine-connection.ts).
 * The functions the adapter puts on the library's objects are shared by every connection and
 * find theirs through a symbol: an idle connection holds no closure of the adapter's.
 */
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import websocket from 'websocket';
import { CLOSE_CODES } from '../connection.js';
import type { AcceptCallbacks, EngineAdapter, EngineContext, EngineLimits } from './engine.js';
import { EngineConnection } from './engine-connection.js';
import {
  isValidCloseCode,
  OPCODE_BINARY,
  OPCODE_CONTINUATION,
  OPCODE_TEXT,
} from './message-assembler.js';

// WebSocket-Node makes a `debug` logger for every connection (lib/utils.js, BufferingLogger),
// its namespace enabled or not: a closure kept per connection and, in `debug` 2's createDebug,
// some 30 us per handshake. While the namespace is off every connection can share one silent
// logger; with DEBUG=websocket:* the library makes its own as before.
const requireFromLibrary = createRequire(createRequire(import.meta.url).resolve('websocket'));
interface LibraryLogger {
  (...args: unknown[]): void;
  printOutput(): void;
  enabled: boolean;
}
const libraryUtils = requireFromLibrary('./lib/utils') as {
  BufferingLogger: (identifier: string, uniqueID: number) => LibraryLogger;
};
const libraryDebug = requireFromLibrary('debug') as { enabled(namespace: string): boolean };
const makeLibraryLogger = libraryUtils.BufferingLogger;
const SILENT_LOGGER: LibraryLogger = Object.assign(() => {}, {
  printOutput: () => {},
  enabled: false,
});
libraryUtils.BufferingLogger = (identifier, uniqueID) =>
  libraryDebug.enabled(identifier) ? makeLibraryLogger(identifier, uniqueID) : SILENT_LOGGER;

/** For tests: the logger the library makes for a connection now. */
export function libraryLoggerFor(uniqueID: number): LibraryLogger {
  return libraryUtils.BufferingLogger('websocket:connection', uniqueID);
}

/** What the library's frame parser is (lib/WebSocketFrame.js), as the read loop uses it. */
interface LibraryFrame extends ParsedFrameFields {
  addData(bufferList: unknown): boolean;
  readonly protocolError: boolean;
  readonly frameTooLarge: boolean;
  readonly dropReason: string;
  readonly rsv1: boolean;
  readonly rsv2: boolean;
  readonly rsv3: boolean;
}
const LibraryWebSocketFrame = requireFromLibrary('./lib/WebSocketFrame') as new (
  maskBytes: Buffer,
  frameHeader: Buffer,
  config: unknown,
) => LibraryFrame;

const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;

// Built once per set of limits: every handshake would otherwise build the same object.
const configs = new WeakMap<EngineLimits, websocket.IServerConfig>();

function serverConfig(limits: EngineLimits): websocket.IServerConfig {
  let config = configs.get(limits);
  if (config !== undefined) return config;
  config = {
    // Required by the type; the router, not a WebSocketServer, owns the HTTP server.
    httpServer: [],
    maxReceivedFrameSize: limits.maxMessageBytes,
    maxReceivedMessageSize: limits.maxMessageBytes,
    // Frames are written whole (PreparedMessage); no fragments to interleave with.
    fragmentOutgoingMessages: false,
    fragmentationThreshold: limits.maxMessageBytes,
    // The router's idle sweep pings and times out (see the design note).
    keepalive: false,
    assembleFragments: true,
    autoAcceptConnections: false,
    ignoreXForwardedFor: true,
    disableNagleAlgorithm: true,
    closeTimeout: limits.closeTimeoutMs,
    // Read by WebSocket-Node but missing from its type: the chat needs neither.
    ...{ parseCookies: false, parseExtensions: false },
  };
  configs.set(limits, config);
  return config;
}

/** What the library's frame object holds that the adapter reads. */
interface ParsedFrameFields {
  readonly opcode: number;
  readonly fin: boolean;
  /** Truthy when the frame was masked (the library's type says number). */
  readonly mask: number | boolean;
  readonly length: number;
  /** The payload; a Close's holds its reason only, its code is `closeStatus` (-1: none). */
  readonly binaryPayload: Buffer;
  readonly closeStatus: number;
}
type ParsedFrame = ParsedFrameFields;

type WebSocketConnection = Omit<websocket.connection, 'processFrame'> & {
  processFrame(frame: ParsedFrame): void;
  processReceivedData(): void;
  sendCloseFrame(code?: number, reason?: string | null, callback?: () => void): void;
  // The read loop's state (lib/WebSocketConnection.js).
  currentFrame: LibraryFrame;
  readonly bufferList: { readonly length: number; advance(bytes: number): void };
  readonly maskBytes: Buffer;
  readonly frameHeader: Buffer;
  readonly config: unknown;
};

const kConnection = Symbol('draftbridge.connection');

type Library = WebSocketConnection & { [kConnection]: WebSocketNodeConnection };

const libraryProcessFrame = (websocket.connection.prototype as unknown as WebSocketConnection)
  .processFrame;
const librarySendCloseFrame = (websocket.connection.prototype as unknown as WebSocketConnection)
  .sendCloseFrame;

class WebSocketNodeConnection extends EngineConnection {
  readonly #library: Library;

  constructor(context: EngineContext, library: WebSocketConnection) {
    super(context);
    this.#library = library as Library;
    this.#library[kConnection] = this;
  }

  protected closeEngine(code: number, reason: string): void {
    try {
      this.#library.close(code, reason);
    } catch {
      // A code WebSocket-Node refuses to send (1005, 1006, ...) becomes a plain 1000.
      this.#library.close(CLOSE_CODES.normal, reason);
    }
  }

  protected failEngine(code: number, reason: string): void {
    this.#library.drop(code, reason);
  }

  libraryInputArrived(): void {
    this.inputArrived();
  }

  protected waitingBytes(): number {
    return this.#library.bufferList.length;
  }

  /**
   * The library's read loop (processReceivedData), parsing up to a turn's share of frames where
   * the library parses one: one frame a turn from each sender made a burst of messages leave in
   * as many writes per member as there were frames. Parsing is still the library's
   * (WebSocketFrame), and its refusals are its own, as it makes them (a tick later).
   */
  protected parseTurn(): boolean {
    const library = this.#library;
    let bytes = 0;
    while (this.shareLeft(bytes)) {
      if (!library.connected) {
        // After its Close the library parses nothing more (it waits for the peer to end TCP or
        // for its close timer) yet its socket listener keeps appending every byte read to this
        // list: let go of them.
        library.bufferList.advance(library.bufferList.length);
        return false;
      }
      // The library's own `inputPaused` follows the socket's pause, which is also how reading
      // stops for waiting input: `canParse` tells which pauses stop parsing.
      if (!this.canParse) return true;
      const frame = library.currentFrame;
      if (!frame.addData(library.bufferList)) return false;
      if (frame.protocolError) {
        process.nextTick(dropLater, library, CLOSE_CODES.protocolError, frame.dropReason);
        return false;
      }
      if (frame.frameTooLarge) {
        process.nextTick(dropLater, library, CLOSE_CODES.messageTooBig, frame.dropReason);
        return false;
      }
      // No extension is negotiated, so every reserved bit is illegal (RFC 6455 §5.2).
      if (frame.rsv1 || frame.rsv2 || frame.rsv3) {
        const reason = 'Unsupported usage of rsv bits without negotiated extension.';
        process.nextTick(dropLater, library, CLOSE_CODES.protocolError, reason);
        return false;
      }
      library.currentFrame = new LibraryWebSocketFrame(
        library.maskBytes,
        library.frameHeader,
        library.config,
      ) as Library['currentFrame'];
      bytes += frame.length;
      this.takeFrame(frame);
    }
    return library.bufferList.length > 0;
  }

  /** Every frame the library parsed, before it acts on it. */
  takeFrame(frame: ParsedFrame): void {
    this.received(0, 1);
    if (!frame.mask) {
      this.failEngine(CLOSE_CODES.protocolError, 'Received an unmasked frame from a client.');
      return;
    }
    const { opcode } = frame;
    if (opcode === OPCODE_TEXT || opcode === OPCODE_BINARY || opcode === OPCODE_CONTINUATION) {
      this.receiveDataFrame(opcode, frame.fin, frame.binaryPayload);
    } else if (opcode === OPCODE_PING) {
      this.sendPong(frame.binaryPayload);
    } else if (
      opcode === OPCODE_CLOSE &&
      frame.closeStatus !== -1 &&
      !isValidCloseCode(frame.closeStatus)
    ) {
      this.failEngine(CLOSE_CODES.protocolError, 'Close code not allowed on the wire.');
    } else {
      libraryProcessFrame.call(this.#library, frame);
    }
  }
}

// The library calls its read loop (processReceivedData) on every chunk read and on every
// resume; each call parsed a frame and, with more waiting, scheduled another: a chain per call.
// Now a call only says input arrived, and the connection runs `parseTurn` once a turn.
function inputArrived(this: Library): void {
  this[kConnection].libraryInputArrived();
}

function dropLater(library: Library, code: number, reason: string): void {
  library.drop(code, reason);
}

// Every way the library closes sends a Close first; no data frame may follow it (§5.5.1).
function sendCloseFrameLast(this: Library, ...args: Parameters<Library['sendCloseFrame']>): void {
  this[kConnection].engineClosing();
  librarySendCloseFrame.apply(this, args);
}

function onLibraryError(this: Library, error: Error): void {
  this[kConnection].receiveError(error);
}

function onLibraryClose(this: Library, code: number, description: string): void {
  this[kConnection].closed(code, description);
}

// Bytes are counted as they are read, frames as they are parsed: parsing waits for the check
// phase and a turn's share, so counting only parsed frames would let the library's buffer fill
// faster than it is charged. One small closure per connection finds it: neither a WeakMap entry
// keyed by the socket (an ephemeron V8's write barrier and every scavenge handle while the
// socket is young) nor a property on the socket (one more shape of socket for Node's stream
// code to meet).
function chargeReads(connection: WebSocketNodeConnection): (chunk: Buffer) => void {
  return (chunk) => connection.received(chunk.length, 0);
}

function accept(context: EngineContext, callbacks: AcceptCallbacks): void {
  const { request, socket, head, limits } = context;
  if (head.length > 0) socket.unshift(head);
  const wsRequest = new websocket.request(socket, request as IncomingMessage, serverConfig(limits));
  // Throws on a handshake the router should not have passed; the router answers 400.
  wsRequest.readHandshake();
  const library = wsRequest.accept(undefined, wsRequest.origin) as WebSocketConnection;
  const connection = new WebSocketNodeConnection(context, library);
  socket.prependListener('data', chargeReads(connection));
  library.processReceivedData = inputArrived;
  library.sendCloseFrame = sendCloseFrameLast;
  library.on('error', onLibraryError);
  library.on('close', onLibraryClose);
  callbacks.onOpen(connection);
}

/** The WebSocket-Node adapter. */
export const websocketNodeEngine: EngineAdapter = {
  serves: ['rfc6455', 'hybi-08'],
  accept,
};
