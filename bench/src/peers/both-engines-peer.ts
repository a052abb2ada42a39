/**
 * The naive broadcast peer on both of draftbridge's engines in one process: RFC 6455 (and
 * hybi-08) through bare WebSocket-Node, hixie-76 through bare faye-websocket, chosen by the
 * draft's Sec-WebSocket-Key1 header; one room, every text message re-sent to every connection.
 * No router, no chat: what serving two engines in one process costs before draftbridge adds
 * anything (a diagnostic beside the one-engine peers the targets are measured against).
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import WebSocket from 'faye-websocket';
import websocket from 'websocket';
import {
  createPeerHttpServer,
  FAYE_OPEN,
  listenFromEnvironment,
  PEER_MAX_MESSAGE_BYTES,
} from './peer-support.js';

const server = createPeerHttpServer();
// WebSocket-Node's server is handed upgrades here; the server it is mounted on never listens.
const wsServer = new websocket.server({
  httpServer: http.createServer(),
  autoAcceptConnections: false,
  maxReceivedFrameSize: PEER_MAX_MESSAGE_BYTES,
  maxReceivedMessageSize: PEER_MAX_MESSAGE_BYTES,
});
const drafts = new Set<WebSocket>();

function broadcast(text: string): void {
  for (const member of wsServer.connections) {
    if (member.connected) member.sendUTF(text);
  }
  for (const member of drafts) {
    if (member.readyState === FAYE_OPEN) member.send(text);
  }
}

wsServer.on('request', (request) => {
  const connection = request.accept(null, request.origin);
  connection.on('error', () => connection.drop());
  connection.on('message', (message) => {
    if (message.type === 'utf8') broadcast(message.utf8Data);
  });
});

server.on('upgrade', (request: http.IncomingMessage, socket, head: Buffer) => {
  if (request.headers['sec-websocket-key1'] === undefined) {
    // WebSocket-Node reads only the socket: bytes the HTTP parser read past the head go back.
    if (head.length > 0) socket.unshift(head);
    wsServer.handleUpgrade(request, socket as Socket);
    return;
  }
  const member = new WebSocket(request, socket, head, [], { maxLength: PEER_MAX_MESSAGE_BYTES });
  drafts.add(member);
  member.on('close', () => drafts.delete(member));
  member.on('error', () => drafts.delete(member));
  member.on('message', (event) => {
    if (typeof event.data === 'string') broadcast(event.data);
  });
});

listenFromEnvironment(server, 'naive peer on both engines');
