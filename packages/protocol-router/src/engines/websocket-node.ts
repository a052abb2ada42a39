/**
 * WebSocket-Node (npm `websocket`) serves RFC 6455 and hybi-08.
 *
 * The router has already checked the handshake, so the adapter builds a `WebSocketRequest`
 * itself rather than mounting a `WebSocketServer` (which would answer and end sockets it
 * cannot serve). `handleUpgrade` ignores the bytes the HTTP parser read past the headers, so
 * they are put back with `socket.unshift` first.
 *
 * Every frame the library has parsed passes through `processFrame`, and the adapter takes over
 * there what the library leaves undone or does in a way one socket can abuse:
 * - a client frame that is not masked closes with 1002 (RFC 6455 §5.1: the server "MUST close
 *   the connection upon receiving a frame that is not masked"); the library never checks;
 * - data frames go to the shared MessageAssembler (fragment count and size, UTF-8 failing at
 *   the fragment that breaks it) instead of the library's frame queue, which has no bound;
 * - a Close with a code that must never be sent (1004-1006, 1015, 0-999, 1016-2999) closes
 *   with 1002 (§7.4.1); the library would answer it with 1000;
 * - a ping is answered by a pong in the connection's outbox, where pongs of one turn coalesce
 *   (§5.5.3), instead of one socket write per ping.
 */
import type { IncomingMessage } from 'node:http';
import websocket from 'websocket';
import { CLOSE_CODES } from '../connection.js';
import type { AcceptCallbacks, EngineAdapter, EngineContext, EngineLimits } from './engine.js';
import { EngineConnection } from './engine-connection.js';
import {
  isValidCloseCode,
  MessageAssembler,
  OPCODE_BINARY,
  OPCODE_CONTINUATION,
  OPCODE_TEXT,
} from './message-assembler.js';

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
    keepalive: true,
    keepaliveInterval: limits.keepaliveIntervalMs,
    dropConnectionOnKeepaliveTimeout: true,
    keepaliveGracePeriod: limits.keepaliveIntervalMs,
    useNativeKeepalive: false,
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
interface ParsedFrame {
  readonly opcode: number;
  readonly fin: boolean;
  /** Truthy when the frame was masked (the library's type says number). */
  readonly mask: number | boolean;
  readonly length: number;
  /** The payload; a Close's holds its reason only, its code is `closeStatus` (-1: none). */
  readonly binaryPayload: Buffer;
  readonly closeStatus: number;
}

type WebSocketConnection = Omit<websocket.connection, 'processFrame'> & {
  processFrame(frame: ParsedFrame): void;
  sendCloseFrame(code?: number, reason?: string | null, callback?: () => void): void;
};

function accept(context: EngineContext, callbacks: AcceptCallbacks): void {
  const { request, socket, head, limits } = context;
  if (head.length > 0) socket.unshift(head);
  const wsRequest = new websocket.request(socket, request as IncomingMessage, serverConfig(limits));
  // Throws on a handshake the router should not have passed; the router answers 400.
  wsRequest.readHandshake();
  const engine = wsRequest.accept(undefined, wsRequest.origin) as WebSocketConnection;
  const connection = new EngineConnection(context, {
    closeEngine: (code, reason) => {
      try {
        engine.close(code, reason);
      } catch {
        // A code WebSocket-Node refuses to send (1005, 1006, ...) becomes a plain 1000.
        engine.close(CLOSE_CODES.normal, reason);
      }
    },
    engineBuffered: () => 0,
  });
  const fail = (code: number, reason: string) => engine.drop(code, reason);
  const assembler = new MessageAssembler(limits.maxMessageBytes, limits.maxFragments, {
    text: (text) => connection.receiveText(text),
    binary: (data) => connection.receiveBinary(data),
    fail,
  });

  // Bytes are counted as they are read, frames as they are parsed: the library parses one frame
  // a turn, so counting only parsed frames would let its buffer fill faster than it is charged.
  socket.prependListener('data', (chunk: Buffer) => connection.received(chunk.length, 0));
  const processFrame = engine.processFrame;
  engine.processFrame = function processClientFrame(frame) {
    connection.received(0, 1);
    if (!frame.mask) {
      fail(CLOSE_CODES.protocolError, 'Received an unmasked frame from a client.');
      return;
    }
    const { opcode } = frame;
    if (opcode === OPCODE_TEXT || opcode === OPCODE_BINARY || opcode === OPCODE_CONTINUATION) {
      assembler.frame(opcode, frame.fin, frame.binaryPayload);
    } else if (opcode === OPCODE_PING) {
      connection.sendPong(frame.binaryPayload);
    } else if (
      opcode === OPCODE_CLOSE &&
      frame.closeStatus !== -1 &&
      !isValidCloseCode(frame.closeStatus)
    ) {
      fail(CLOSE_CODES.protocolError, 'Close code not allowed on the wire.');
    } else {
      processFrame.call(engine, frame);
    }
  };
  // Every way the library closes sends a Close first; no data frame may follow it (§5.5.1).
  const sendCloseFrame = engine.sendCloseFrame;
  engine.sendCloseFrame = function sendCloseFrameLast(...args) {
    connection.engineClosing();
    sendCloseFrame.apply(engine, args);
  };
  engine.on('error', (error) => connection.receiveError(error));
  engine.on('close', (code, description) => connection.closed(code, description));
  callbacks.onOpen(connection);
}

/** The WebSocket-Node adapter. */
export const websocketNodeEngine: EngineAdapter = {
  serves: ['rfc6455', 'hybi-08'],
  accept,
};
