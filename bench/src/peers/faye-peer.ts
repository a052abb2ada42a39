/**
 * The naive broadcast peer on bare faye-websocket: one room, and every text message is re-sent
 * to every open connection with one `send` each. With websocket-driver 0.7.4 (pinned by the
 * repository's overrides) the same peer serves RFC 6455 and the hixie-75/76 drafts, so it is
 * the bare engine the hixie path is compared with.
 */
import WebSocket from 'faye-websocket';
import {
  createPeerHttpServer,
  FAYE_OPEN,
  listenFromEnvironment,
  PEER_MAX_MESSAGE_BYTES,
} from './peer-support.js';

const server = createPeerHttpServer();
const members = new Set<WebSocket>();

server.on('upgrade', (request, socket, head: Buffer) => {
  if (!WebSocket.isWebSocket(request)) {
    socket.destroy();
    return;
  }
  const member = new WebSocket(request, socket, head, [], { maxLength: PEER_MAX_MESSAGE_BYTES });
  members.add(member);
  member.on('close', () => members.delete(member));
  member.on('error', () => members.delete(member));
  member.on('message', (event) => {
    if (typeof event.data !== 'string') return;
    for (const other of members) {
      if (other.readyState === FAYE_OPEN) other.send(event.data);
    }
  });
});

listenFromEnvironment(server, 'naive faye-websocket peer');
