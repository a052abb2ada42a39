import { once } from 'node:events';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { connectChatClient, isType } from './test-support/chat-client.js';
import { startTestServer, useTestServer } from './test-support/test-server.js';

// An upgrade with an unsupported version; resolves when the server has answered and closed.
async function refusedUpgrade(port: number): Promise<string> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  socket.write(
    'GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 99\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
  );
  let answer = '';
  socket.on('data', (chunk) => {
    answer += chunk.toString('latin1');
  });
  await once(socket, 'close');
  return answer;
}

describe('createServer over HTTP', () => {
  const t = useTestServer();

  it('answers /healthz with ok', async () => {
    const res = await fetch(`${t.http}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('serves the web app with its content type and security headers', async () => {
    const res = await fetch(`${t.http}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('draftbridge');
    const js = await fetch(`${t.http}/app.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
  });

  it('refuses path traversal and unknown files with 404', async () => {
    for (const path of ['/../package.json', '/%2e%2e/%2e%2e/package.json', '/nope.js']) {
      const res = await fetch(`${t.http}${path}`);
      expect(res.status).toBe(404);
    }
  });

  it('exports Prometheus metrics that move with connections and refusals', async () => {
    const client = await connectChatClient('hixie-76', t.ws);
    client.send({ type: 'join', room: 'metrics', nick: 'm', client: 'm1' });
    await client.waitFor(isType('welcome'));
    await refusedUpgrade(t.port);
    const text = await (await fetch(`${t.http}/metrics`)).text();
    expect(text).toMatch(
      /draftbridge_connections_open\{protocol="hixie-76",engine="faye-websocket"\} 1/,
    );
    expect(text).toMatch(/draftbridge_messages_in_total\{protocol="hixie-76"\} [1-9]/);
    expect(text).toMatch(/draftbridge_handshakes_rejected_total\{reason="unsupported_version"\} 1/);
    client.close();
    await client.closed;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = await (await fetch(`${t.http}/metrics`)).text();
    expect(after).toMatch(
      /draftbridge_connections_open\{protocol="hixie-76",engine="faye-websocket"\} 0/,
    );
  });
});

describe('createServer shutdown', () => {
  it("closes every client with its protocol's close, then stops", async () => {
    const t = await startTestServer();
    const kinds = ['rfc6455', 'hybi-08', 'hybi-07', 'hixie-76', 'hixie-75', 'relay-76'] as const;
    const clients = await Promise.all(kinds.map((kind) => connectChatClient(kind, t.ws)));
    await Promise.all(
      clients.map(async (client, i) => {
        client.send({ type: 'join', room: 'bye', nick: `n${i}`, client: `c${i}` });
        await client.waitFor(isType('welcome'));
      }),
    );
    await t.stop();
    const closes = await Promise.all(clients.map((client) => client.closed));
    expect(Object.fromEntries(kinds.map((kind, i) => [kind, closes[i]]))).toEqual({
      rfc6455: { code: 1001, clean: true },
      'hybi-08': { code: 1001, clean: true },
      'hybi-07': { code: 1001, clean: true },
      // draft-76's closing handshake (0xFF 0x00), draft-75's orderly TCP close.
      'hixie-76': { code: 1000, clean: true },
      'hixie-75': { code: 1000, clean: true },
      'relay-76': { code: 1001, clean: true },
    });
    await expect(fetch(`${t.http}/healthz`)).rejects.toThrow();
  });
});
