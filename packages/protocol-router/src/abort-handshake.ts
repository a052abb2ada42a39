/**
 * The one place a refused upgrade is answered: a plain HTTP response with its status and a
 * short reason, then the socket is closed. No engine has seen the socket.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Answers a refused upgrade with `status` and closes the socket. */
export function abortHandshake(
  socket: Duplex,
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (socket.destroyed) return;
  const body = `${message}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
