/**
 * The same-work bound: a server that sends exactly the bytes draftbridge sends for a burst of
 * `say`s (the contract's `message` with its `from` member, chat-wire.ts), and nothing else.
 *
 * Design note. It is the least work that produces those deliveries, so that "x bound" says how
 * close draftbridge comes to what this machine can do with the same bytes:
 * - each `say` is read (bound-frame-reader.ts or the router's draft reader), JSON.parse'd and
 *   serialized as a `message` once, framed once per protocol family (hybi, hixie);
 * - the frames of one event-loop turn are gathered per room and family, joined once into one
 *   buffer, and every member is written that same buffer: one write per client per turn;
 * - no validation, no limits, no history, no dedupe, no presence, no metrics, no backpressure
 *   (a slow member's bytes wait in its socket).
 * The handshakes are the least that opens RFC 6455 and draft-76 (bound-handshake.ts).
 *
 * With BOUND_WRITE=each it writes the way draftbridge's outbox does instead: each member's
 * socket corked, one `write()` per frame, uncorked (still one system call per member per turn,
 * but a stream write per delivery). The difference between the two says what that costs.
 */
import type { Socket } from 'node:net';
import {
  encodeHixieTextFrame,
  encodeHybiFrame,
  HixieFrameReader,
  HYBI_OPCODES,
} from '@draftbridge/protocol-router';
import type { WireProtocol } from '../constants.js';
import { MaskedFrameReader } from './bound-frame-reader.js';
import { acceptUpgrade } from './bound-handshake.js';
import {
  type ChatMember,
  type ChatRequest,
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

interface BoundRoom {
  readonly name: string;
  seq: number;
  readonly hybi: Set<Socket>;
  readonly hixie: Set<Socket>;
  hybiFrames: Buffer[];
  hixieFrames: Buffer[];
  queued: boolean;
}

interface Joined {
  readonly room: BoundRoom;
  readonly client: string;
  readonly member: ChatMember;
}

const writeEachFrame = process.env.BOUND_WRITE === 'each';
const rooms = new Map<string, BoundRoom>();
let turn: BoundRoom[] = [];
let turnScheduled = false;

function frameFor(protocol: WireProtocol, payload: Buffer): Buffer {
  return protocol === 'rfc6455'
    ? encodeHybiFrame(HYBI_OPCODES.text, payload)
    : encodeHixieTextFrame(payload);
}

function writeEach(members: Set<Socket>, frames: readonly Buffer[]): void {
  if (frames.length === 0) return;
  if (writeEachFrame && frames.length > 1) {
    for (const socket of members) {
      if (!socket.writable) continue;
      socket.cork();
      for (const frame of frames) socket.write(frame);
      socket.uncork();
    }
    return;
  }
  const bytes = frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames);
  for (const socket of members) if (socket.writable) socket.write(bytes);
}

function runTurn(): void {
  turnScheduled = false;
  const due = turn;
  turn = [];
  for (const room of due) {
    room.queued = false;
    writeEach(room.hybi, room.hybiFrames);
    writeEach(room.hixie, room.hixieFrames);
    room.hybiFrames = [];
    room.hixieFrames = [];
  }
}

function broadcast(room: BoundRoom, text: string): void {
  const payload = Buffer.from(text, 'utf8');
  if (room.hybi.size > 0) room.hybiFrames.push(encodeHybiFrame(HYBI_OPCODES.text, payload));
  if (room.hixie.size > 0) room.hixieFrames.push(encodeHixieTextFrame(payload));
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
  socket.once('close', () => {
    joined?.room.hybi.delete(socket);
    joined?.room.hixie.delete(socket);
  });
  return (text) => {
    const request: ChatRequest | null = parseChatRequest(text);
    if (request === null) return;
    if (request.type === 'say') {
      if (joined === undefined) return;
      const { room } = joined;
      room.seq += 1;
      broadcast(
        room,
        serializeChatMessage(
          room.name,
          room.seq,
          request.id,
          joined.client,
          request.text,
          joined.member,
        ),
      );
    } else if (request.type === 'join') {
      if (joined !== undefined) return;
      const room = rooms.get(request.room) ?? {
        name: request.room,
        seq: 0,
        hybi: new Set<Socket>(),
        hixie: new Set<Socket>(),
        hybiFrames: [],
        hixieFrames: [],
        queued: false,
      };
      rooms.set(request.room, room);
      (protocol === 'rfc6455' ? room.hybi : room.hixie).add(socket);
      joined = { room, client: request.client, member: createChatMember(protocol, request.nick) };
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
