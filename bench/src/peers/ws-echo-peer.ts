/**
 * The naive echo peer on `ws`: one room, and every text message is re-sent to every open
 * connection with one `send` each (one frame built and one write per recipient). RFC 6455
 * only; permessage-deflate stays off, as it is by default on a `ws` server.
 */
import { WebSocketServer } from 'ws';
import {
  createPeerHttpServer,
  listenFromEnvironment,
  PEER_MAX_MESSAGE_BYTES,
} from './peer-support.js';

const server = createPeerHttpServer();
const wss = new WebSocketServer({ server, maxPayload: PEER_MAX_MESSAGE_BYTES });

wss.on('connection', (socket) => {
  socket.on('error', () => socket.terminate());
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    for (const client of wss.clients) {
      if (client.readyState === client.OPEN) client.send(data, { binary: false });
    }
  });
});

listenFromEnvironment(server, 'naive ws peer');
