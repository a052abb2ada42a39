/**
 * The order in which the draft-76 server handshake leaves, on both orders a client can send it
 * in (faye-websocket.ts, `answerInOneWrite`): key3 with the headers, then the 101 head and the
 * 16-byte answer go to the kernel in one write; key3 late, then the head goes first, before key3
 * arrives, and the answer follows it. What is observed is each hand-over of bytes from the
 * server's socket to its handle (`_write` or `_writev`, one system call each), which does not
 * depend on how the kernel or the client's reads happen to split or join them.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOriginPolicy } from '../origin-policy.js';
import { createProtocolRouter } from '../router.js';
import { connectRaw, DRAFT76_EXAMPLE, endOfHead, upgradeHead } from '../testing/index.js';

let server: http.Server;
let port: number;
// Every write the server's sockets handed to the kernel, by socket, in order.
const handoffs = new Map<number, Buffer[]>();

function recordHandoffs(socket: Socket): void {
  const writes: Buffer[] = [];
  // The client's port names the socket: the test knows it from its own end.
  handoffs.set(socket.remotePort ?? 0, writes);
  const write = socket._write.bind(socket);
  const writev = socket._writev?.bind(socket);
  socket._write = (chunk, encoding, callback) => {
    writes.push(typeof chunk === 'string' ? Buffer.from(chunk, encoding) : Buffer.from(chunk));
    write(chunk, encoding, callback);
  };
  if (writev === undefined) return;
  socket._writev = (chunks, callback) => {
    writes.push(Buffer.concat(chunks.map(({ chunk }) => Buffer.from(chunk))));
    writev(chunks, callback);
  };
}

beforeAll(async () => {
  server = http.createServer();
  server.on('connection', recordHandoffs);
  const router = createProtocolRouter({
    paths: ['/ws'],
    originPolicy: createOriginPolicy(),
    onConnection(connection) {
      connection.on('text', (text) => connection.send(`echo:${text}`));
      connection.on('error', () => {});
    },
  });
  router.attach(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const head = () => Buffer.from(upgradeHead('hixie-76', port), 'latin1');
const TEXT = Buffer.from([0x00, ...Buffer.from('hi'), 0xff]);
const ECHO = Buffer.from([0x00, ...Buffer.from('echo:hi'), 0xff]);

describe('the draft-76 server handshake', () => {
  it('sends the 101 head and the answer in one write when key3 came with the headers', async () => {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      const peer = await connectRaw(port, Buffer.concat([head(), DRAFT76_EXAMPLE.key3]));
      const data = await peer.waitFor((d) => endOfHead(d) > 0 && d.length >= endOfHead(d) + 16);
      const answerAt = endOfHead(data);
      expect(data.subarray(answerAt, answerAt + 16)).toEqual(DRAFT76_EXAMPLE.answer);
      const writes = handoffs.get(peer.socket.localPort ?? -1) ?? [];
      // The first write is the whole handshake: the head and the answer, nothing less.
      expect(writes[0]?.toString('latin1')).toBe(
        data.subarray(0, answerAt + 16).toString('latin1'),
      );
      peer.socket.write(TEXT);
      await peer.waitFor((d) => d.subarray(answerAt + 16).equals(ECHO));
      peer.socket.destroy();
    }
  });

  it('sends the 101 head before key3 arrives, and the answer once it has', async () => {
    const peer = await connectRaw(port, head());
    // A proxy such as nginx opens its tunnel only after the 101: the head must come unasked.
    const early = await peer.waitFor((d) => endOfHead(d) > 0);
    expect(early.toString('latin1')).toMatch(/^HTTP\/1\.1 101 WebSocket Protocol Handshake\r\n/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Nothing but the head while key3 is missing: the answer depends on it.
    expect(peer.received().length).toBe(endOfHead(early));
    peer.socket.write(DRAFT76_EXAMPLE.key3);
    const data = await peer.waitFor((d) => d.length >= endOfHead(d) + 16);
    const answerAt = endOfHead(data);
    expect(data.subarray(answerAt, answerAt + 16)).toEqual(DRAFT76_EXAMPLE.answer);
    const writes = handoffs.get(peer.socket.localPort ?? -1) ?? [];
    expect(writes.slice(0, 2).map((w) => w.toString('latin1'))).toEqual([
      early.toString('latin1'),
      DRAFT76_EXAMPLE.answer.toString('latin1'),
    ]);
    peer.socket.write(TEXT);
    await peer.waitFor((d) => d.subarray(answerAt + 16).equals(ECHO));
    peer.socket.destroy();
  });
});
