/**
 * The client kit over `wss:`: every protocol through a TLS server with the router behind it,
 * the certificate trusted through `ca`, and the drafts' location checked as `wss:`.
 */
import { once } from 'node:events';
import type http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../connection.js';
import { PROTOCOLS } from '../protocols.js';
import { createProtocolRouter } from '../router.js';
import { createSelfSigned, type SelfSigned } from '../test-support/self-signed.js';
import { connectClient } from './connect-client.js';

let tls: SelfSigned;
let server: https.Server;
let url: string;
const opened: Connection[] = [];

beforeAll(async () => {
  tls = await createSelfSigned();
  server = https.createServer({ cert: tls.cert, key: tls.key });
  createProtocolRouter({
    paths: ['/ws'],
    onConnection(connection) {
      opened.push(connection);
      connection.on('error', () => {});
      connection.on('text', (text) => connection.send(`echo:${text}`));
    },
  }).attach(server as unknown as http.Server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `wss://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
});
afterAll(async () => {
  for (const connection of opened) connection.terminate();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe.each(PROTOCOLS)('connectClient over wss: with %s', (protocol) => {
  it('verifies the certificate against ca, shakes hands and chats', async () => {
    const client = await connectClient({ protocol, url, ca: tls.cert });
    expect(client.socket.constructor.name).toBe('TLSSocket');
    const echoed = new Promise((resolve) => client.once('message', resolve));
    client.send('over tls');
    expect(await echoed).toBe('echo:over tls');
    const closed = new Promise((resolve) => client.once('close', resolve));
    client.close();
    expect(await closed).toBe(1000);
  });

  it('refuses a certificate it was not told to trust', async () => {
    await expect(connectClient({ protocol, url })).rejects.toThrow(/self-signed certificate/);
  });
});
