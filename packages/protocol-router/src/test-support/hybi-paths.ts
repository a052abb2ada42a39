/**
 * The four ways a hybi frame reaches the server (RFC 6455 on each engine, hybi-08 and hybi-07
 * on their own), and the raw handshake that opens one, for tests that send the same bytes on
 * every path.
 */
import { endOfHead, type RawPeer, requestHead } from '../testing/index.js';

/** Name, Sec-WebSocket-Version and target of each hybi path. */
export const HYBI_PATHS = [
  ['rfc6455 on WebSocket-Node', '13', '/ws'],
  ['rfc6455 on faye-websocket', '13', '/ws?engine=faye-websocket'],
  ['hybi-08 on WebSocket-Node', '8', '/ws'],
  ['hybi-07 on faye-websocket', '7', '/ws'],
] as const;

/** Sends `peer`'s upgrade request and resolves once the answer's head is in, with where it ends. */
export async function hybiHandshake(
  peer: RawPeer,
  port: number,
  version: string,
  target: string,
): Promise<{ peer: RawPeer; start: number }> {
  peer.socket.write(
    requestHead(target, {
      Host: `127.0.0.1:${port}`,
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
      'Sec-WebSocket-Version': version,
    }),
  );
  await peer.waitFor((data) => endOfHead(data) > 0);
  return { peer, start: endOfHead(peer.received()) };
}
