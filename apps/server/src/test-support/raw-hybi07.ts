/**
 * A hybi-07 client over a raw socket, for the tests and the soak: no maintained client speaks
 * draft-ietf-hybi-thewebsocketprotocol-07. It does the handshake, writes masked frames (with a
 * zero mask, so captures stay readable: still a masked frame, RFC 6455 §5.3), reads the
 * server's unmasked frames, answers pings and completes a closing handshake.
 */
import { once } from 'node:events';
import net from 'node:net';

/** What the client reports. */
export interface RawHybi07Events {
  /** One text frame. */
  onText(text: string): void;
  /** The socket closed; `code` is the server's close code, or 1006 without a close frame. */
  onClose(code: number): void;
}

/** An open hybi-07 connection. */
export interface RawHybi07 {
  readonly socket: net.Socket;
  send(text: string): void;
  sendBinary(data: Buffer): void;
  /** Starts the closing handshake with 1000. */
  close(): void;
}

/** A masked client frame; `opcode` 1 text, 2 binary, 8 close, 10 pong. */
export function maskedFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const frame = Buffer.alloc(header + 4 + length);
  frame[0] = 0x80 | opcode;
  if (length < 126) frame[1] = 0x80 | length;
  else if (length < 0x10000) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, header + 4);
  return frame;
}

/** Connects to `url` (`ws://host:port/path?query`) speaking hybi-07. */
export async function connectRawHybi07(url: string, on: RawHybi07Events): Promise<RawHybi07> {
  const target = new URL(url);
  const socket = net.connect(Number(target.port), target.hostname);
  await once(socket, 'connect');
  socket.write(
    `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 7\r\n\r\n`,
  );
  let buffer = Buffer.alloc(0);
  let handshaken = false;
  let closeCode = 1006;
  const opened = new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk) => {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      if (!handshaken) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        if (!buffer.subarray(0, 12).toString('latin1').includes(' 101')) {
          reject(
            new Error(`hybi-07 handshake refused: ${buffer.subarray(0, end).toString('latin1')}`),
          );
          return;
        }
        handshaken = true;
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
        else if (opcode === 8) {
          closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
          socket.end(maskedFrame(8, payload.subarray(0, 2)));
        } else if (opcode === 9) socket.write(maskedFrame(10, payload));
      }
    });
  });
  socket.on('error', () => {});
  socket.on('close', () => on.onClose(closeCode));
  await opened;
  return {
    socket,
    send: (text) => socket.write(maskedFrame(1, Buffer.from(text))),
    sendBinary: (data) => socket.write(maskedFrame(2, data)),
    close: () => socket.write(maskedFrame(8, Buffer.from([0x03, 0xe8]))),
  };
}
