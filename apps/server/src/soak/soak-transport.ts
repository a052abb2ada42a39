/**
 * One connection of a soak client, over any way the server is reached: WebSocket-Node's client
 * for RFC 6455 and hybi-08, `ws` for RFC 6455 forced onto faye-websocket and for the relay (as a
 * browser would), a raw socket for hybi-07, the router package's hixie client for the drafts.
 * Each can be closed cleanly or dropped abruptly (the socket destroyed, no closing handshake),
 * and none keeps what it receives: the soak client does.
 */
import { once } from 'node:events';
import { connectHixie } from '@draftbridge/protocol-router';
import websocket from 'websocket';
import { WebSocket } from 'ws';
import { connectRawHybi07 } from '../test-support/raw-hybi07.js';

/** Every way a soak client can reach the server. */
export const SOAK_KINDS = [
  'rfc6455',
  'hybi-08',
  'hybi-07',
  'hixie-76',
  'hixie-75',
  'rfc6455-faye',
  'relay-76',
  'relay-75',
] as const;

/** One of them. */
export type SoakKind = (typeof SOAK_KINDS)[number];

/** An open connection. */
export interface SoakTransport {
  send(text: string): void;
  /** Closing handshake of the protocol. */
  close(): void;
  /** The socket destroyed at once, as when a network or a process dies. */
  drop(): void;
}

/** What a transport reports. */
export interface SoakTransportEvents {
  onText(text: string): void;
  onClose(): void;
}

// Frames from the server may carry a long welcome: far past what clients may send.
const CLIENT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

async function viaWebSocketNode(url: string, version: 8 | 13, on: SoakTransportEvents) {
  const client = new websocket.client({
    webSocketVersion: version,
    maxReceivedFrameSize: CLIENT_MAX_MESSAGE_BYTES,
    maxReceivedMessageSize: CLIENT_MAX_MESSAGE_BYTES,
  });
  const connected = once(client, 'connect') as Promise<[websocket.connection]>;
  client.connect(url);
  const [connection] = await connected;
  connection.on('message', (m) => {
    if (m.type === 'utf8') on.onText(m.utf8Data);
  });
  connection.on('error', () => {});
  connection.on('close', () => on.onClose());
  return {
    send: (text: string) => connection.sendUTF(text),
    close: () => connection.close(),
    drop: () => connection.socket.destroy(),
  };
}

async function viaWs(url: string, on: SoakTransportEvents): Promise<SoakTransport> {
  const ws = new WebSocket(url, { maxPayload: CLIENT_MAX_MESSAGE_BYTES });
  ws.on('message', (data, isBinary) => {
    if (!isBinary) on.onText(String(data));
  });
  ws.on('error', () => {});
  ws.on('close', () => on.onClose());
  await once(ws, 'open');
  return { send: (text) => ws.send(text), close: () => ws.close(1000), drop: () => ws.terminate() };
}

async function viaHixie(url: string, draft: 75 | 76, on: SoakTransportEvents) {
  const hixie = await connectHixie({ url, draft, maxMessageBytes: CLIENT_MAX_MESSAGE_BYTES });
  hixie.on('message', (text) => on.onText(text));
  hixie.on('error', () => {});
  hixie.on('close', () => on.onClose());
  return {
    send: (text: string) => hixie.send(text),
    close: () => hixie.close(),
    drop: () => hixie.socket.destroy(),
  };
}

// No maintained client speaks hybi-07: the raw one the tests use.
async function viaHybi07(url: string, on: SoakTransportEvents): Promise<SoakTransport> {
  const raw = await connectRawHybi07(url, {
    onText: (text) => on.onText(text),
    onClose: () => on.onClose(),
  });
  return {
    send: (text: string) => raw.send(text),
    close: () => raw.close(),
    drop: () => raw.socket.destroy(),
  };
}

/** Opens a transport of `kind` to the server at `base` (`ws://127.0.0.1:PORT`). */
export function openSoakTransport(
  kind: SoakKind,
  base: string,
  on: SoakTransportEvents,
): Promise<SoakTransport> {
  switch (kind) {
    case 'rfc6455':
      return viaWebSocketNode(`${base}/ws`, 13, on);
    case 'hybi-08':
      return viaWebSocketNode(`${base}/ws`, 8, on);
    case 'hybi-07':
      return viaHybi07(`${base}/ws`, on);
    case 'hixie-76':
      return viaHixie(`${base}/ws`, 76, on);
    case 'hixie-75':
      return viaHixie(`${base}/ws`, 75, on);
    case 'rfc6455-faye':
      return viaWs(`${base}/ws?engine=faye-websocket`, on);
    case 'relay-76':
      return viaWs(`${base}/relay?draft=76`, on);
    case 'relay-75':
      return viaWs(`${base}/relay?draft=75`, on);
  }
}
