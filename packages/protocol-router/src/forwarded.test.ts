/**
 * Trusted proxies: the rule, the reading of X-Forwarded-*, and what the router does with them
 * on real sockets: the drafts' location, the origin check and the client's address, from a
 * trusted peer and, unchanged by the same headers, from any other.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createProxyTrust, parseProxyRange, readForwarding } from './forwarded.js';
import type { Protocol } from './protocols.js';
import { startEchoRouter } from './test-support/echo-router.js';
import { connectRaw, upgradeRequest } from './testing/index.js';

describe('parseProxyRange', () => {
  it.each([
    ['127.0.0.1', { address: '127.0.0.1', prefix: 32, family: 'ipv4' }],
    ['10.0.0.0/8', { address: '10.0.0.0', prefix: 8, family: 'ipv4' }],
    ['::1', { address: '::1', prefix: 128, family: 'ipv6' }],
    [' fd00::/8 ', { address: 'fd00::', prefix: 8, family: 'ipv6' }],
  ])('reads %s', (entry, range) => {
    expect(parseProxyRange(entry)).toEqual(range);
  });

  it.each(['localhost', '10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/8/8', '1.2.3', '', '/8'])(
    'refuses %j',
    (entry) => {
      expect(parseProxyRange(entry)).toBeNull();
    },
  );
});

describe('createProxyTrust', () => {
  const trust = createProxyTrust(['127.0.0.1', '10.0.0.0/8', 'fd00::/8']);

  it('trusts listed addresses and ranges, and the IPv4-mapped form of an IPv4 one', () => {
    expect(['127.0.0.1', '10.200.3.4', 'fd12::1', '::ffff:127.0.0.1'].map(trust)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['127.0.0.2', '11.0.0.1', 'fe80::1', '::1', '', 'garbage'].map(trust)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('throws on an entry that is no address', () => {
    expect(() => createProxyTrust(['127.0.0.1', 'proxy.local'])).toThrow(/proxy.local/);
  });
});

describe('readForwarding', () => {
  const trust = createProxyTrust(['127.0.0.1', '10.0.0.0/8']);
  const forwarded = {
    host: 'instance-a:8081',
    'x-forwarded-for': '203.0.113.9',
    'x-forwarded-proto': 'https',
    'x-forwarded-host': 'chat.example.org',
  };

  it('believes a trusted peer', () => {
    expect(readForwarding(forwarded, '127.0.0.1', trust)).toEqual({
      scheme: 'https',
      host: 'chat.example.org',
      clientAddress: '203.0.113.9',
    });
  });

  it('ignores the same headers from any other peer, and without a rule', () => {
    const untouched = { scheme: undefined, host: 'instance-a:8081', clientAddress: '192.0.2.1' };
    expect(readForwarding(forwarded, '192.0.2.1', trust)).toEqual(untouched);
    expect(readForwarding(forwarded, '192.0.2.1', undefined)).toEqual(untouched);
  });

  it('takes the right-most values: what the nearest proxy added after the client', () => {
    const headers = {
      host: 'a',
      'x-forwarded-for': '6.6.6.6, 203.0.113.9, 10.1.1.1',
      'x-forwarded-proto': 'https, http',
      'x-forwarded-host': 'forged.example, chat.example.org:8443',
    };
    expect(readForwarding(headers, '127.0.0.1', trust)).toEqual({
      scheme: 'http',
      host: 'chat.example.org:8443',
      clientAddress: '203.0.113.9', // 10.1.1.1 is a trusted proxy too
    });
  });

  it('reads repeated header lines as one list and addresses with ports or brackets', () => {
    const headers = { host: 'a', 'x-forwarded-for': ['6.6.6.6', '[2001:db8::1]:5000'] };
    expect(readForwarding(headers, '127.0.0.1', trust).clientAddress).toBe('2001:db8::1');
    const withPort = { host: 'a', 'x-forwarded-for': '198.51.100.7:4711' };
    expect(readForwarding(withPort, '127.0.0.1', trust).clientAddress).toBe('198.51.100.7');
  });

  it('falls back to what the request itself says when the values are not usable', () => {
    const headers = {
      host: 'instance-a:8081',
      'x-forwarded-for': '10.0.0.2, not-an-address',
      'x-forwarded-proto': 'gopher',
      'x-forwarded-host': 'evil.example/path',
    };
    expect(readForwarding(headers, '127.0.0.1', trust)).toEqual({
      scheme: undefined,
      host: 'instance-a:8081',
      clientAddress: '127.0.0.1', // the hop that reported the garbage
    });
  });

  it('walks past trusted proxies to the left-most one when every entry is trusted', () => {
    const headers = { host: 'a', 'x-forwarded-for': '10.0.0.5, 10.0.0.6' };
    expect(readForwarding(headers, '127.0.0.1', trust).clientAddress).toBe('10.0.0.5');
  });
});

describe('the router behind a proxy', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  async function start(trusted: readonly string[]) {
    const server = await startEchoRouter({
      trustProxy: createProxyTrust(trusted),
      idleTimeoutMs: 60_000,
    });
    stop = () => server.stop();
    return server;
  }

  const FORWARDED = {
    'X-Forwarded-For': '203.0.113.9',
    'X-Forwarded-Proto': 'https',
    'X-Forwarded-Host': 'chat.example.org',
  };

  // The status line and, for a 101, the drafts' location header.
  async function answer(port: number, request: Buffer) {
    const peer = await connectRaw(port, request);
    try {
      const head = (await peer.waitFor((data) => data.includes('\r\n\r\n'))).toString('latin1');
      return {
        status: head.slice(9, 12),
        location: /^(?:Sec-)?WebSocket-Location: (.*)$/im.exec(head)?.[1],
      };
    } finally {
      peer.socket.destroy();
    }
  }

  // The status of a `protocol` upgrade from `origin` that came through the proxy.
  async function forwardedStatus(port: number, protocol: Protocol, origin: string) {
    return (await answer(port, upgradeRequest(protocol, port, { origin, headers: FORWARDED })))
      .status;
  }

  it.each(['hixie-76', 'hixie-75'] as const)(
    'tells a %s client behind a trusted TLS proxy its public wss: location',
    async (protocol) => {
      const server = await start(['127.0.0.1']);
      const request = upgradeRequest(protocol, server.port, { headers: FORWARDED });
      expect(await answer(server.port, request)).toEqual({
        status: '101',
        location: 'wss://chat.example.org/ws',
      });
      const connection = server.connections[0];
      expect([connection?.clientAddress, connection?.remoteAddress]).toEqual([
        '203.0.113.9',
        '127.0.0.1',
      ]);
    },
  );

  it.each(['hixie-76', 'hixie-75'] as const)(
    'lets X-Forwarded-* from an untrusted peer change nothing on %s',
    async (protocol) => {
      const server = await start(['10.0.0.1']);
      // Every header websocket-driver would take for TLS, too.
      const headers = { ...FORWARDED, 'X-Forwarded-Ssl': 'on', 'X-Forwarded-Scheme': 'https' };
      const request = upgradeRequest(protocol, server.port, { headers });
      expect(await answer(server.port, request)).toEqual({
        status: '101',
        location: `ws://127.0.0.1:${server.port}/ws`,
      });
      expect(server.connections[0]?.clientAddress).toBe('127.0.0.1');
    },
  );

  it('compares Origin with the public origin behind a trusted proxy, and only its scheme', async () => {
    const server = await start(['127.0.0.1']);
    const statusFor = (origin: string) => forwardedStatus(server.port, 'rfc6455', origin);
    expect(await statusFor('https://chat.example.org')).toBe('101');
    expect(await statusFor('http://chat.example.org')).toBe('403');
    expect(await statusFor(`http://127.0.0.1:${server.port}`)).toBe('403');
  });

  it('compares Origin with the request Host when the peer is not trusted', async () => {
    const server = await start(['10.0.0.1']);
    const statusFor = (origin: string) => forwardedStatus(server.port, 'hixie-76', origin);
    expect(await statusFor('https://chat.example.org')).toBe('403');
    expect(await statusFor(`http://127.0.0.1:${server.port}`)).toBe('101');
    expect(await statusFor(`https://127.0.0.1:${server.port}`)).toBe('101');
  });
});

describe('the peer address with no proxy trusted', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await stop?.();
    stop = undefined;
  });

  // Reading it is a getpeername system call; faye-websocket never reads it, so on its paths
  // the router must not either, until someone asks the connection.
  it.each(['hixie-76', 'hixie-75', 'hybi-07'] as const)(
    'is not read for a %s handshake, and is the client address when asked',
    async (protocol) => {
      let reads = 0;
      const server = await startEchoRouter({
        onSocket(socket) {
          Object.defineProperty(socket, 'remoteAddress', {
            get() {
              reads += 1;
              return Reflect.get(net.Socket.prototype, 'remoteAddress', socket);
            },
          });
        },
      });
      stop = () => server.stop();
      const opened = server.nextConnection();
      const headers = { 'X-Forwarded-For': '203.0.113.9' };
      const peer = await connectRaw(
        server.port,
        upgradeRequest(protocol, server.port, { headers }),
      );
      const connection = await opened;
      const readsAtOpen = reads;
      expect([readsAtOpen, connection.clientAddress, connection.remoteAddress]).toEqual([
        0,
        '127.0.0.1',
        '127.0.0.1',
      ]);
      // Read while open, it stays once the socket is gone (Node keeps what it read).
      const closed = new Promise((resolve) => connection.once('close', resolve));
      peer.socket.destroy();
      await closed;
      expect([connection.clientAddress, connection.remoteAddress]).toEqual([
        '127.0.0.1',
        '127.0.0.1',
      ]);
    },
  );
});
