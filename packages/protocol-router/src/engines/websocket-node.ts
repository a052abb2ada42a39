/**
 * WebSocket-Node (npm `websocket`) serves RFC 6455 and hybi-08.
 *
 * The router has already checked the handshake, so the adapter builds a `WebSocketRequest`
 * itself rather than mounting a `WebSocketServer` (which would answer and end sockets it
 * cannot serve). Three details the library leaves to us: `handleUpgrade` ignores the bytes the
 * HTTP parser read past the headers, so they are put back with `socket.unshift` first; its
 * message limit defaults to 1 MiB, so both limits are set to ours (over it: close 1009); and
 * it never checks that a client's frames are masked, which RFC 6455 §5.1 requires of a server
 * ("MUST close the connection upon receiving a frame that is not masked"), so each frame is
 * checked before the library processes it and an unmasked one closes with 1002.
 */
import type { IncomingMessage } from 'node:http';
import websocket from 'websocket';
import type { AcceptCallbacks, EngineAdapter, EngineContext, EngineLimits } from './engine.js';
import { EngineConnection } from './engine-connection.js';

function serverConfig(limits: EngineLimits): websocket.IServerConfig {
  return {
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
  };
}

// Options WebSocket-Node reads but its type does not list: chat needs neither.
const UNTYPED_OPTIONS = { parseCookies: false, parseExtensions: false };

function accept(context: EngineContext, callbacks: AcceptCallbacks): void {
  const { request, socket, head, decision, limits } = context;
  if (head.length > 0) socket.unshift(head);
  const wsRequest = new websocket.request(
    socket,
    request as IncomingMessage,
    {
      ...serverConfig(limits),
      ...UNTYPED_OPTIONS,
    } as websocket.IServerConfig,
  );
  // Throws on a handshake the router should not have passed; the router answers 400.
  wsRequest.readHandshake();
  const engineConnection = wsRequest.accept(undefined, wsRequest.origin);
  const connection = new EngineConnection(
    socket,
    decision,
    request.headers,
    {
      isEngineOpen: () => engineConnection.connected && engineConnection.state === 'open',
      closeEngine: (code, reason) => {
        try {
          engineConnection.close(code, reason);
        } catch {
          // A code WebSocket-Node refuses to send (1005, 1006, ...) becomes a plain 1000.
          engineConnection.close(1000, reason);
        }
      },
      engineBuffered: () => 0,
    },
    limits.closeTimeoutMs,
  );
  const processFrame = engineConnection.processFrame;
  engineConnection.processFrame = function processMaskedFrame(frame) {
    if (!frame.mask) {
      engineConnection.drop(
        websocket.connection.CLOSE_REASON_PROTOCOL_ERROR,
        'Received an unmasked frame from a client.',
      );
      return;
    }
    processFrame.call(engineConnection, frame);
  };
  engineConnection.on('message', (message) => {
    if (message.type === 'utf8') connection.receiveText(message.utf8Data);
    else connection.receiveBinary(message.binaryData);
  });
  engineConnection.on('error', (error) => connection.receiveError(error));
  engineConnection.on('close', (code, description) => connection.closed(code, description));
  callbacks.onOpen(connection);
}

/** The WebSocket-Node adapter. */
export const websocketNodeEngine: EngineAdapter = { name: 'websocket', accept };
