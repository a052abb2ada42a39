/**
 * One connection of a soak client, over any way the server is reached: WebSocket-Node's client
 * for RFC 6455 and hybi-08, `ws` for RFC 6455 forced onto faye-websocket and for the relay (as a
 * browser would), a raw socket for hybi-07, the router package's hixie client for the drafts.
 * Each can be closed cleanly or dropped abruptly (the socket destroyed, no closing handshake),
 * and none keeps what it receives: the soak client does.
 */
import { once } from 'node:events';
import net from 'node:net';
import { connectHixie } from '@draftbridge/protocol-router';
import websocket from 'websocket';
import { WebSocket } from 'ws';

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

function maskedText(text: string): Buffer {
  const payload = Buffer.from(text);
  const length = payload.length;
  const header = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const frame = Buffer.alloc(header + 4 + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = 0x80 | length;
  else if (length < 0x10000) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  // A zero mask: still a masked frame (RFC 6455 §5.3), and the payload stays as it is.
  payload.copy(frame, header + 4);
  return frame;
}

// No maintained client speaks hybi-07: a raw socket, reading the server's unmasked frames.
async function viaHybi07(url: string, on: SoakTransportEvents): Promise<SoakTransport> {
  const target = new URL(url);
  const socket = net.connect(Number(target.port), target.hostname);
  await once(socket, 'connect');
  socket.write(
    `GET ${target.pathname} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 7\r\n\r\n`,
  );
  let buffer = Buffer.alloc(0);
  let open = false;
  const opened = new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      if (!open) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        if (!buffer.subarray(0, 12).toString('latin1').includes(' 101')) {
          reject(new Error('hybi-07 handshake refused'));
          return;
        }
        open = true;
        buffer = buffer.subarray(end + 4);
        resolve();
      }
      while (buffer.length >= 2) {
        const opcode = (buffer[0] ?? 0) & 0x0f;
        let length = (buffer[1] ?? 0) & 0x7f;
        let offset = 2;
        if (length === 126) {
          if (buffer.length < 4) return;
          length = buffer.readUInt16BE(2);
          offset = 4;
        } else if (length === 127) {
          if (buffer.length < 10) return;
          length = Number(buffer.readBigUInt64BE(2));
          offset = 10;
        }
        if (buffer.length < offset + length) return;
        const payload = buffer.subarray(offset, offset + length);
        buffer = buffer.subarray(offset + length);
        if (opcode === 1) on.onText(payload.toString('utf8'));
        else if (opcode === 8) socket.end();
      }
    });
  });
  socket.on('error', () => {});
  socket.on('close', () => on.onClose());
  await opened;
  return {
    send: (text) => socket.write(maskedText(text)),
    close: () => socket.end(Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8])),
    drop: () => socket.destroy(),
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
