/**
 * One chat client for tests over any protocol the server speaks: RFC 6455 and hybi-08 with
 * WebSocket-Node's client, hybi-07 with a raw socket (no maintained client speaks it), the
 * drafts with the router package's hixie client, and the relay with `ws` as a browser would.
 * Every client collects the parsed server messages and reports how it was closed.
 */
import { once } from 'node:events';
import { connectHixie, type HixieClient } from '@draftbridge/protocol-router';
import type { ServerMessage } from '@draftbridge/shared-types';
import websocket from 'websocket';
import { WebSocket } from 'ws';
import { connectRawHybi07 } from './raw-hybi07.js';

/** The ways a test client can reach the server. */
export type ClientKind =
  | 'rfc6455'
  | 'hybi-08'
  | 'hybi-07'
  | 'hixie-76'
  | 'hixie-75'
  | 'relay-76'
  | 'relay-75';

/** How a test client saw its connection end. */
export interface ClientClose {
  /** The close code (1000 for a clean hixie close, 1006 for an abrupt one). */
  readonly code: number;
  /** For hixie-76: whether the server sent `0xFF 0x00`. */
  readonly clean: boolean;
}

/** A connected test client. */
export interface ChatTestClient {
  readonly kind: ClientKind;
  /** Every server message received, parsed, in order. */
  readonly messages: ServerMessage[];
  /** Sends one object as JSON (or a raw string). */
  send(message: object | string): void;
  /** Sends a binary frame where the protocol has one. */
  sendBinary(data: Buffer): void;
  /** Resolves with the first message (at or after `from`) matching `predicate`. */
  waitFor<T extends ServerMessage>(
    predicate: (m: ServerMessage) => m is T,
    timeoutMs?: number,
  ): Promise<T>;
  waitFor(predicate: (m: ServerMessage) => boolean, timeoutMs?: number): Promise<ServerMessage>;
  /** Resolves when the connection is closed. */
  readonly closed: Promise<ClientClose>;
  close(): void;
  /** Stops reading from the socket (a slow reader). */
  pause(): void;
}

interface Transport {
  send(text: string): void;
  sendBinary(data: Buffer): void;
  close(): void;
  pause(): void;
}

function createCollector(kind: ClientKind, transport: Transport, closed: Promise<ClientClose>) {
  const messages: ServerMessage[] = [];
  const waiters = new Set<() => void>();
  const client: ChatTestClient = {
    kind,
    messages,
    send: (message) =>
      transport.send(typeof message === 'string' ? message : JSON.stringify(message)),
    sendBinary: (data) => transport.sendBinary(data),
    closed,
    close: () => transport.close(),
    pause: () => transport.pause(),
    waitFor: ((predicate: (m: ServerMessage) => boolean, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = messages.find(predicate);
          if (found === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const seen = messages.slice(-5).map((m) => ('seq' in m ? `${m.type}#${m.seq}` : m.type));
          reject(
            new Error(
              `${kind}: no match in ${timeoutMs} ms; ${messages.length} received, last: ${seen.join(', ')}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      })) as ChatTestClient['waitFor'],
  };
  const receive = (text: string) => {
    messages.push(JSON.parse(text) as ServerMessage);
    for (const waiter of [...waiters]) waiter();
  };
  return { client, receive };
}

async function connectWebSocketNode(
  kind: ClientKind,
  url: string,
  version: 8 | 13,
): Promise<ChatTestClient> {
  const wsClient = new websocket.client({
    webSocketVersion: version,
    maxReceivedFrameSize: 0x1000000,
    maxReceivedMessageSize: 0x1000000,
  });
  const connected = once(wsClient, 'connect') as Promise<[websocket.connection]>;
  wsClient.connect(url);
  const [connection] = await connected;
  const closed = new Promise<ClientClose>((resolve) =>
    connection.on('close', (code) => resolve({ code, clean: code !== 1006 })),
  );
  const { client, receive } = createCollector(
    kind,
    {
      send: (text) => connection.sendUTF(text),
      sendBinary: (data) => connection.sendBytes(data),
      close: () => connection.close(),
      pause: () => connection.socket.pause(),
    },
    closed,
  );
  connection.on('message', (m) => {
    if (m.type === 'utf8') receive(m.utf8Data);
  });
  return client;
}

// hybi-07 over a raw socket (raw-hybi07.ts): no maintained client speaks it.
async function connectHybi07(url: string): Promise<ChatTestClient> {
  let resolveClosed: (close: ClientClose) => void = () => {};
  const closed = new Promise<ClientClose>((resolve) => {
    resolveClosed = resolve;
  });
  let receive: (text: string) => void = () => {};
  const raw = await connectRawHybi07(url, {
    onText: (text) => receive(text),
    onClose: (code) => resolveClosed({ code, clean: code !== 1006 }),
  });
  const collector = createCollector(
    'hybi-07',
    {
      send: (text) => raw.send(text),
      sendBinary: (data) => raw.sendBinary(data),
      close: () => raw.close(),
      pause: () => raw.socket.pause(),
    },
    closed,
  );
  receive = collector.receive;
  return collector.client;
}

async function connectDraft(
  kind: ClientKind,
  url: string,
  draft: 75 | 76,
): Promise<ChatTestClient> {
  const hixie: HixieClient = await connectHixie({ url, draft, maxMessageBytes: 0x1000000 });
  const closed = new Promise<ClientClose>((resolve) =>
    hixie.on('close', (clean) => resolve({ code: clean ? 1000 : 1006, clean })),
  );
  hixie.on('error', () => {});
  const { client, receive } = createCollector(
    kind,
    {
      send: (text) => hixie.send(text),
      sendBinary: () => {
        throw new Error('the drafts have no binary frames');
      },
      close: () => hixie.close(),
      pause: () => hixie.socket.pause(),
    },
    closed,
  );
  hixie.on('message', receive);
  return client;
}

async function connectRelay(
  kind: ClientKind,
  base: string,
  draft: 75 | 76,
  trace: boolean,
): Promise<ChatTestClient> {
  const ws = new WebSocket(`${base}/relay?draft=${draft}${trace ? '&trace=1' : ''}`);
  const closed = new Promise<ClientClose>((resolve) =>
    ws.on('close', (code) => resolve({ code, clean: code !== 1006 })),
  );
  const { client, receive } = createCollector(
    kind,
    {
      send: (text) => ws.send(text),
      sendBinary: (data) => ws.send(data),
      close: () => ws.close(1000),
      pause: () => ws.pause(),
    },
    closed,
  );
  ws.on('message', (data, isBinary) => {
    if (!isBinary) receive(String(data));
  });
  ws.on('error', () => {});
  await once(ws, 'open');
  return client;
}

/** Connects a test client of `kind` to the server at `base` (`ws://127.0.0.1:PORT`). */
export function connectChatClient(
  kind: ClientKind,
  base: string,
  options: { trace?: boolean; path?: string } = {},
): Promise<ChatTestClient> {
  const url = `${base}${options.path ?? '/ws'}`;
  switch (kind) {
    case 'rfc6455':
      return connectWebSocketNode(kind, url, 13);
    case 'hybi-08':
      return connectWebSocketNode(kind, url, 8);
    case 'hybi-07':
      return connectHybi07(url);
    case 'hixie-76':
      return connectDraft(kind, url, 76);
    case 'hixie-75':
      return connectDraft(kind, url, 75);
    case 'relay-76':
      return connectRelay(kind, base, 76, options.trace ?? false);
    case 'relay-75':
      return connectRelay(kind, base, 75, options.trace ?? false);
  }
}

/** Type guard helpers for waitFor. */
export const isType =
  <K extends ServerMessage['type']>(type: K) =>
  (m: ServerMessage): m is Extract<ServerMessage, { type: K }> =>
    m.type === type;
