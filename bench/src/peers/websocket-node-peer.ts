/**
 * The naive broadcast peer on bare WebSocket-Node (`websocket`'s WebSocketServer): one room,
 * and every text message is re-sent to every connection with one `sendUTF` each. RFC 6455
 * (and hybi-08) only.
 */
import websocket from 'websocket';
import {
  createPeerHttpServer,
  listenFromEnvironment,
  PEER_MAX_MESSAGE_BYTES,
} from './peer-support.js';

const httpServer = createPeerHttpServer();
const wsServer = new websocket.server({
  httpServer,
  autoAcceptConnections: false,
  maxReceivedFrameSize: PEER_MAX_MESSAGE_BYTES,
  maxReceivedMessageSize: PEER_MAX_MESSAGE_BYTES,
});

wsServer.on('request', (request) => {
  const connection = request.accept(null, request.origin);
  connection.on('error', () => connection.drop());
  connection.on('message', (message) => {
    if (message.type !== 'utf8') return;
    for (const member of wsServer.connections) {
      if (member.connected) member.sendUTF(message.utf8Data);
    }
  });
});

listenFromEnvironment(httpServer, 'naive WebSocket-Node peer');
