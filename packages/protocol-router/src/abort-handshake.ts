/**
 * The one place a refused upgrade is answered: a plain HTTP response with its status and a
 * short reason, then the socket is closed. No engine has seen the socket.
 *
 * The close lingers: a client may have sent more than its headers (hixie-76's key3, early
 * frames), and a socket closed with those bytes unread makes the kernel answer with a TCP RST,
 * which can reach the client before the response does and erase it. So the response is sent
 * with our FIN after it, whatever still arrives is read and dropped, and the socket closes
 * when the client closes its side, or after `REFUSAL_LINGER_MS`.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** How long a refused socket keeps reading after its answer, waiting for the client to close. */
export const REFUSAL_LINGER_MS = 2000;

function discard(): void {}

/** Answers a refused upgrade with `status` and closes the socket. */
export function abortHandshake(
  socket: Duplex,
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (socket.destroyed) return;
  const destroy = () => socket.destroy();
  socket.on('data', discard);
  socket.once('end', destroy);
  socket.once('error', destroy);
  setTimeout(destroy, REFUSAL_LINGER_MS).unref();
  socket.resume();
  socket.end(formatRefusal(status, message, headers));
}

/** The whole response of a refusal: status line, `Connection: close`, `headers`, `message`. */
export function formatRefusal(
  status: number,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): string {
  const body = `${message}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}
