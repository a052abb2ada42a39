/**
 * The same-work bound: a server that sends exactly the bytes draftbridge sends for a burst of
 * `say`s (the contract's `message` with its `from` member), and nothing else.
 *
 * Design note. It is the least work that produces those deliveries, so that "x bound" says how
 * close draftbridge comes to what this machine can do with the same bytes:
 * - each `say` is read (bound-frame-reader.ts or the router's draft reader), JSON.parse'd and
 *   serialized as a `message` once, by the contract's own serializer with the sender's JSON
 *   kept from its join (shared-types' `serializeChatMessage`, as draftbridge's hub does);
 * - the texts of one event-loop turn are gathered per room and framed once per protocol family
 *   (hybi, hixie), each straight into one buffer of the turn, and every member is written that
 *   same buffer: one write per client per turn (bound-room.ts);
 * - no validation, no limits, no history, no dedupe, no presence, no metrics, no backpressure
 *   (a slow member's bytes wait in its socket);
 * - members are written in the order they joined, as draftbridge's rooms write them, so that
 *   each protocol's own deliveries/s compares like with like (bound-room.ts).
 * The handshakes are the least that opens RFC 6455 and draft-76 (bound-handshake.ts).
 *
 * With BOUND_WRITE=each it writes the way draftbridge's outbox does instead: each member's
 * socket corked, one `write()` per frame, uncorked (still one system call per member per turn,
 * but a stream write per delivery). The difference between the two says what that costs.
 * With BOUND_ORDER=family it writes every RFC 6455 member of a room before its hixie-76 ones
 * (as it did until 2026-12-02): the same bytes and writes, but the RFC 6455 path finishes first
 * in large rooms and the hixie-76 one later, which is what the order alone is worth.
 */
import type { Socket } from 'node:net';
import {
  encodeHixieTextFrame,
  encodeHybiFrame,
  HixieFrameReader,
  HYBI_OPCODES,
} from '@draftbridge/protocol-router';
import { serializeChatMessage } from '@draftbridge/shared-types';
import type { WireProtocol } from '../constants.js';
import { MaskedFrameReader } from './bound-frame-reader.js';
import { acceptUpgrade } from './bound-handshake.js';
import {
  addMember,
  addText,
  type BoundRoom,
  createBoundRoom,
  type Family,
  removeMember,
  type WriteOptions,
  writeRoom,
} from './bound-room.js';
import {
  type ChatMember,
  type ChatRequest,
  createChatMember,
  parseChatRequest,
  serializePong,
  serializeWelcome,
} from './chat-wire.js';
import {
  createPeerHttpServer,
  listenFromEnvironment,
  PEER_MAX_MESSAGE_BYTES,
} from './peer-support.js';

interface Joined {
  readonly room: BoundRoom;
  readonly client: string;
  readonly member: ChatMember;
  /** The member as JSON, made once at join: every `message` it says carries it as `from`. */
  readonly memberJson: string;
}

const writeOptions: WriteOptions = {
  eachFrame: process.env.BOUND_WRITE === 'each',
  byFamily: process.env.BOUND_ORDER === 'family',
};
const rooms = new Map<string, BoundRoom>();
let turn: BoundRoom[] = [];
let turnScheduled = false;

function frameFor(protocol: WireProtocol, payload: Buffer): Buffer {
  return protocol === 'rfc6455'
    ? encodeHybiFrame(HYBI_OPCODES.text, payload)
    : encodeHixieTextFrame(payload);
}

function runTurn(): void {
  turnScheduled = false;
  const due = turn;
  turn = [];
  for (const room of due) {
    room.queued = false;
    writeRoom(room, writeOptions);
  }
}

function broadcast(room: BoundRoom, text: string): void {
  addText(room, text);
  if (!room.queued) {
    room.queued = true;
    turn.push(room);
  }
  if (!turnScheduled) {
    turnScheduled = true;
    setImmediate(runTurn);
  }
}

function openSession(socket: Socket, protocol: WireProtocol): (text: string) => void {
  let joined: Joined | undefined;
  const family: Family = protocol === 'rfc6455' ? 'hybi' : 'hixie';
  socket.once('close', () => {
    if (joined !== undefined) removeMember(joined.room, socket);
  });
  return (text) => {
    const request: ChatRequest | null = parseChatRequest(text);
    if (request === null) return;
    if (request.type === 'say') {
      if (joined === undefined) return;
      const { room, client, member, memberJson } = joined;
      room.seq += 1;
      const { id, text } = request;
      const ts = Date.now();
      const message = {
        type: 'message',
        room: room.name,
        seq: room.seq,
        id,
        client,
        text,
        ts,
        from: member,
      } as const;
      broadcast(room, serializeChatMessage(message, memberJson));
    } else if (request.type === 'join') {
      if (joined !== undefined) return;
      const room = rooms.get(request.room) ?? createBoundRoom(request.room);
      rooms.set(request.room, room);
      addMember(room, socket, family);
      const member = createChatMember(protocol, request.nick);
      joined = { room, client: request.client, member, memberJson: JSON.stringify(member) };
      socket.write(
        frameFor(protocol, Buffer.from(serializeWelcome(room.name, joined.member, room.seq))),
      );
    } else {
      socket.write(frameFor(protocol, Buffer.from(serializePong(request.t))));
    }
  };
}

const server = createPeerHttpServer();
server.on('upgrade', (request, socket: Socket, head: Buffer) => {
  socket.on('error', () => socket.destroy());
  acceptUpgrade(request, socket, head, (protocol, rest) => {
    const onText = openSession(socket, protocol);
    const reader =
      protocol === 'rfc6455'
        ? new MaskedFrameReader({
            onText,
            onPing: (payload) => socket.write(encodeHybiFrame(HYBI_OPCODES.pong, payload)),
            onClose: () => socket.destroy(),
          })
        : new HixieFrameReader(
            {
              onText: (payload) => {
                if (payload !== null) onText(payload.toString('utf8'));
              },
              onClose: () => socket.destroy(),
              onTooLarge: () => socket.destroy(),
            },
            { maxPayloadBytes: PEER_MAX_MESSAGE_BYTES },
          );
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    if (rest.length > 0) reader.push(rest);
  });
});

listenFromEnvironment(server, 'same-work bound');
