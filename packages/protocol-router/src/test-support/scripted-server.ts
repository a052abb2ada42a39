/**
 * A hand-written TCP server for what faye-websocket will not produce: wrong answers, missing
 * headers, silence, responses dribbled a byte at a time, odd frames. It reads a hixie request
 * (draft-76's key3 body included) and hands it to the test, which writes whatever bytes it likes.
 */
import { once } from 'node:events';
import net from 'node:net';
import { answerDraft76Challenge, DRAFT76_KEY3_LENGTH } from '../hixie/draft76-key.js';
import { Collector } from './collector.js';

/** A request as the server read it. */
export interface ScriptedRequest {
  /** The request line, e.g. `GET /ws HTTP/1.1`. */
  readonly requestLine: string;
  /** Header lines in order, as sent. */
  readonly headerLines: string[];
  /** Header values by lower-case name. */
  readonly headers: ReadonlyMap<string, string>;
  /** The body after the headers: draft-76's key3, empty for draft-75. */
  readonly body: Buffer;
  /** The server's end of the connection. */
  readonly socket: net.Socket;
  /** Everything received after the request, in order. */
  readonly received: Collector<Buffer>;
}

/** A running scripted server. */
export interface ScriptedServer {
  url(path?: string): string;
  /** Every request read, in order. */
  readonly requests: Collector<ScriptedRequest>;
  /** Server-side sockets closed so far (to check the client destroyed its socket). */
  readonly socketsClosed: Collector<net.Socket>;
  close(): Promise<void>;
}

function parseRequest(head: string, body: Buffer, socket: net.Socket): ScriptedRequest {
  const [requestLine = '', ...headerLines] = head.split('\r\n');
  const headers = new Map<string, string>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  return { requestLine, headerLines, headers, body, socket, received: new Collector<Buffer>() };
}

/** Starts a scripted server on 127.0.0.1:0; `onRequest` answers each request its own way. */
export async function startScriptedServer(
  onRequest: (request: ScriptedRequest) => void,
): Promise<ScriptedServer> {
  const requests = new Collector<ScriptedRequest>();
  const socketsClosed = new Collector<net.Socket>();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {}); // resets from clients that give up are part of these tests
    socket.on('close', () => {
      sockets.delete(socket);
      socketsClosed.push(socket);
    });
    let buffered = Buffer.alloc(0);
    let request: ScriptedRequest | undefined;
    socket.on('data', (chunk: Buffer) => {
      if (request) return request.received.push(chunk);
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = buffered.toString('latin1', 0, end);
      const bodyLength = /\r\nSec-WebSocket-Key1:/i.test(head) ? DRAFT76_KEY3_LENGTH : 0;
      if (buffered.length < end + 4 + bodyLength) return;
      const body = buffered.subarray(end + 4, end + 4 + bodyLength);
      request = parseRequest(head, body, socket);
      const rest = buffered.subarray(end + 4 + bodyLength);
      if (rest.length > 0) request.received.push(rest);
      requests.push(request);
      onRequest(request);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  return {
    url: (path = '/ws') => `ws://127.0.0.1:${port}${path}`,
    requests,
    socketsClosed,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** What a scripted answer may change from a correct one. */
export interface ScriptedAnswer {
  readonly statusLine?: string;
  /** Replaces the location header's value; null leaves the header out. */
  readonly location?: string | null;
  /** Replaces draft-76's 16-byte answer. */
  readonly answer?: Buffer;
}

/** The bytes of a correct response to `request` (what faye would send), with `changes` applied. */
export function createScriptedResponse(
  request: ScriptedRequest,
  changes: ScriptedAnswer = {},
): Buffer {
  const key1 = request.headers.get('sec-websocket-key1');
  const key2 = request.headers.get('sec-websocket-key2');
  const isDraft76 = key1 !== undefined && key2 !== undefined;
  const prefix = isDraft76 ? 'Sec-' : '';
  const location =
    changes.location === undefined
      ? `ws://${request.headers.get('host')}${request.requestLine.split(' ')[1]}`
      : changes.location;
  const lines = [
    changes.statusLine ?? 'HTTP/1.1 101 WebSocket Protocol Handshake',
    'Upgrade: WebSocket',
    'Connection: Upgrade',
  ];
  const origin = request.headers.get('origin');
  if (origin !== undefined) lines.push(`${prefix}WebSocket-Origin: ${origin}`);
  if (location !== null) lines.push(`${prefix}WebSocket-Location: ${location}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  if (!isDraft76) return head;
  const answer = changes.answer ?? answerDraft76Challenge(key1, key2, request.body);
  if (!answer) throw new Error('the client sent malformed draft-76 keys');
  return Buffer.concat([head, answer]);
}
