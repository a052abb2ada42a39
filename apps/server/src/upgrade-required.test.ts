/**
 * A WebSocket path asked for without an upgrade is an endpoint, not a missing file: `426
 * Upgrade Required` with `Upgrade: websocket` and the versions the router serves, then the
 * connection closes (docs/PROTOCOL.md, refusals). Every other path answers as before.
 */
import {
  connectRaw,
  endOfHead,
  rawUpgrade,
  requestHead,
  upgradeRequest,
} from '@draftbridge/protocol-router/testing';
import { describe, expect, it } from 'vitest';
import { useTestServer } from './test-support/test-server.js';

const t = useTestServer();

// What the contract lists, in its words: `Sec-WebSocket-Version: 13, 8, 7`.
const CONTRACT_VERSIONS = '13, 8, 7';

const HALF_UPGRADES: readonly (readonly [string, Record<string, string>])[] = [
  ['no upgrade headers', {}],
  ['only Connection: Upgrade', { Connection: 'Upgrade' }],
  ['only Upgrade: websocket', { Upgrade: 'websocket' }],
  [
    'Upgrade: websocket with Connection: keep-alive',
    { Upgrade: 'websocket', Connection: 'keep-alive' },
  ],
];

const TARGETS = ['/ws', '/relay', '/ws?engine=faye-websocket', '/relay?draft=76'];

function ask(method: string, target: string, headers: Record<string, string> = {}) {
  const head = requestHead(target, { Host: `127.0.0.1:${t.port}`, ...headers }).replace(
    /^GET /,
    `${method} `,
  );
  return rawUpgrade(t.port, head);
}

const statusOf = (answer: string) => answer.slice(0, answer.indexOf('\r\n'));
const headerOf = (answer: string, name: string) =>
  new RegExp(`\r\n${name}: ([^\r]*)\r\n`, 'i').exec(answer)?.[1];

describe.each(TARGETS)('GET %s that is not an upgrade', (target) => {
  it.each(HALF_UPGRADES)(
    'with %s gets 426 and the versions, then the close',
    async (_name, headers) => {
      // rawUpgrade resolves only once the server has closed the connection.
      const { answer } = await ask('GET', target, headers);
      expect(statusOf(answer)).toBe('HTTP/1.1 426 Upgrade Required');
      expect(headerOf(answer, 'Upgrade')).toBe('websocket');
      expect(headerOf(answer, 'Sec-WebSocket-Version')).toBe(CONTRACT_VERSIONS);
      expect(headerOf(answer, 'Connection')).toBe('close');
      expect(headerOf(answer, 'Content-Security-Policy')).toBeDefined();
    },
  );
});

describe('other requests', () => {
  it('answers HEAD on a WebSocket path with 426 and no body', async () => {
    const { answer } = await ask('HEAD', '/ws');
    expect(statusOf(answer)).toBe('HTTP/1.1 426 Upgrade Required');
    expect(answer.endsWith('\r\n\r\n')).toBe(true);
  });

  it('keeps 405 for a method other than GET and HEAD on a WebSocket path', async () => {
    const { answer } = await ask('POST', '/ws', { 'Content-Length': '0', Connection: 'close' });
    expect(statusOf(answer)).toBe('HTTP/1.1 405 Method Not Allowed');
  });

  it.each([
    ['/', 200],
    ['/app.js', 200],
    ['/healthz', 200],
    ['/wsx', 404],
    ['/ws/', 404],
    ['/relay/x', 404],
    ['/nope', 404],
  ] as const)('answers GET %s as before (%i)', async (target, status) => {
    const response = await fetch(`${t.http}${target}`);
    expect(response.status).toBe(status);
    expect(response.headers.get('sec-websocket-version')).toBeNull();
  });

  it('still upgrades a real handshake on /ws', async () => {
    const peer = await connectRaw(t.port, upgradeRequest('rfc6455', t.port));
    const answer = await peer.waitFor((data) => endOfHead(data) > 0);
    expect(statusOf(answer.toString('latin1'))).toBe('HTTP/1.1 101 Switching Protocols');
    peer.socket.destroy();
  });
});
