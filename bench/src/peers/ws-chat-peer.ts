/**
 * Naive `ws` with the chat's bytes: rooms, a `welcome` for a `join`, and every `say` sent to
 * every member of the room as the contract's `message` (chat-wire.ts), with one `send` each:
 * one frame built and one write per recipient per message, as a straightforward `ws` chat
 * does it. RFC 6455 only; permessage-deflate stays off, as it is by default on a `ws` server.
 * It is the "naive ws" every figure is compared with: it sends what draftbridge sends.
 */
import { type WebSocket, WebSocketServer } from 'ws';
import {
  type ChatMember,
  createChatMember,
  parseChatRequest,
  serializeChatMessage,
  serializePong,
  serializeWelcome,
} from './chat-wire.js';
import {
  createPeerHttpServer,
  listenFromEnvironment,
  PEER_MAX_MESSAGE_BYTES,
} from './peer-support.js';

interface ChatRoom {
  seq: number;
  readonly members: Set<WebSocket>;
}

const server = createPeerHttpServer();
const wss = new WebSocketServer({ server, maxPayload: PEER_MAX_MESSAGE_BYTES });
const rooms = new Map<string, ChatRoom>();

wss.on('connection', (socket) => {
  let joined: { room: ChatRoom; name: string; client: string; member: ChatMember } | undefined;
  socket.on('error', () => socket.terminate());
  socket.on('close', () => joined?.room.members.delete(socket));
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    const request = parseChatRequest(data.toString());
    if (request === null) return;
    if (request.type === 'ping') {
      socket.send(serializePong(request.t));
    } else if (request.type === 'join') {
      if (joined !== undefined) return;
      const room = rooms.get(request.room) ?? { seq: 0, members: new Set<WebSocket>() };
      rooms.set(request.room, room);
      room.members.add(socket);
      const member = createChatMember('rfc6455', request.nick);
      joined = { room, name: request.room, client: request.client, member };
      socket.send(serializeWelcome(request.room, member, room.seq));
    } else if (joined !== undefined) {
      const { room } = joined;
      room.seq += 1;
      const text = serializeChatMessage(
        joined.name,
        room.seq,
        request.id,
        joined.client,
        request.text,
        joined.member,
      );
      for (const member of room.members) {
        if (member.readyState === member.OPEN) member.send(text);
      }
    }
  });
});

listenFromEnvironment(server, 'naive ws chat peer');
