/**
 * The same-work bound's opening handshakes: RFC 6455 (§4.2.2: the accept value) and draft-76
 * (draft-hixie-76 §5.2: the answer to the key3 challenge, which may arrive after the headers).
 * The least a server must do to open each; anything else is refused by closing the socket.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { answerDraft76Challenge, RFC6455_GUID } from '@draftbridge/protocol-router';
import type { WireProtocol } from '../constants.js';

const KEY3_LENGTH = 8;

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Answers the upgrade on `socket`; calls `onOpen` with the protocol and whatever bytes followed
 * the handshake, or closes the socket when the request is neither RFC 6455 nor draft-76.
 */
export function acceptUpgrade(
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  onOpen: (protocol: WireProtocol, rest: Buffer) => void,
): void {
  const key = header(request, 'sec-websocket-key');
  if (key !== undefined && header(request, 'sec-websocket-version') === '13') {
    const accept = createHash('sha1')
      .update(key + RFC6455_GUID)
      .digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    onOpen('rfc6455', head);
    return;
  }
  const key1 = header(request, 'sec-websocket-key1');
  const key2 = header(request, 'sec-websocket-key2');
  if (key1 === undefined || key2 === undefined) {
    socket.destroy();
    return;
  }
  let received = head;
  const answer = (): void => {
    const challenge = answerDraft76Challenge(key1, key2, received.subarray(0, KEY3_LENGTH));
    if (challenge === null) {
      socket.destroy();
      return;
    }
    const origin = header(request, 'origin') ?? header(request, 'sec-websocket-origin') ?? 'null';
    socket.write(
      Buffer.concat([
        Buffer.from(
          `HTTP/1.1 101 WebSocket Protocol Handshake\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nSec-WebSocket-Origin: ${origin}\r\nSec-WebSocket-Location: ws://${header(request, 'host') ?? ''}${request.url ?? '/'}\r\n\r\n`,
          'latin1',
        ),
        challenge,
      ]),
    );
    onOpen('hixie76', received.subarray(KEY3_LENGTH));
  };
  if (received.length >= KEY3_LENGTH) {
    answer();
    return;
  }
  const collect = (chunk: Buffer): void => {
    received = Buffer.concat([received, chunk]);
    if (received.length < KEY3_LENGTH) return;
    socket.off('data', collect);
    answer();
  };
  socket.on('data', collect);
}
