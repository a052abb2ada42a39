/**
 * The kit's RFC 6455 and hybi-08 client (WebSocket-Node's) against a server written by hand: a
 * Close that comes with its FIN behind other frames is still the close the client reports.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { RFC6455_GUID } from '../constants.js';
import { encodeHybiFrame, HYBI_OPCODES } from '../hybi/hybi-frames.js';
import { type ScriptedServer, startScriptedServer } from '../test-support/scripted-server.js';
import { connectClient } from './connect-client.js';

const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function closeFrame(code: number, reason: string): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return encodeHybiFrame(HYBI_OPCODES.close, payload);
}

describe.each(['rfc6455', 'hybi-08'] as const)('the %s client', (protocol) => {
  it('reports the Close that arrives with the FIN behind other frames, not 1006', async () => {
    const texts = Array.from({ length: 20 }, (_, i) => `last words ${i}`);
    const server = await startScriptedServer(({ headers, socket }) => {
      const accept = createHash('sha1')
        .update(`${headers.get('sec-websocket-key')}${RFC6455_GUID}`)
        .digest('base64');
      // The answer, twenty messages, the Close and the FIN in one write.
      socket.end(
        Buffer.concat([
          Buffer.from(
            'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
              `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
          ),
          ...texts.map((text) => encodeHybiFrame(HYBI_OPCODES.text, Buffer.from(text))),
          closeFrame(1008, 'rate limit exceeded'),
        ]),
      );
    });
    servers.push(server);
    const client = await connectClient({ protocol, url: server.url() });
    const messages: string[] = [];
    client.on('message', (text) => messages.push(text));
    const closed = await new Promise<[number, string]>((resolve) =>
      client.on('close', (code, reason) => resolve([code, reason])),
    );
    expect(closed).toEqual([1008, 'rate limit exceeded']);
    expect(messages).toEqual(texts);
  });
});
