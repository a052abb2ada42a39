/**
 * deploy/ measured: for nginx and for HAProxy, with the configurations as committed, two real
 * server instances on one real Redis behind the real proxy, over ws:// and wss:// (TLS ends at
 * the proxy, on a certificate made with openssl): every generation joins and chats in one
 * gap-free stream across the instances, the relay works, refusals reach the client and end its
 * connection, and when an instance is killed its clients come back through the proxy, resume
 * with `since` and lose nothing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { PROTOCOLS, type Protocol } from '@draftbridge/protocol-router';
import { connectRaw, upgradeHead, upgradeRequest } from '@draftbridge/protocol-router/testing';
import type { ChatMessage, ServerMessage } from '@draftbridge/shared-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ChatTestClient,
  type ClientKind,
  connectChatClient,
  isType,
} from '../test-support/chat-client.js';
import { type Cluster, startCluster } from './cluster.js';
import { freePorts, startProcess, waitForPort } from './processes.js';
import { PROXIES } from './proxies.js';

const SCHEMES = ['ws', 'wss'] as const;
type Scheme = (typeof SCHEMES)[number];

const messagesOf = (client: ChatTestClient) =>
  client.messages.filter((m): m is ChatMessage => m.type === 'message');
const streamOf = (client: ChatTestClient) =>
  messagesOf(client).map((m) => [m.seq, m.id, m.client, m.text]);
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);
const hasSeq = (seq: number) => (m: ServerMessage) => m.type === 'message' && m.seq === seq;

/** WebSocket connections open on one instance, from its own /metrics. */
async function openConnections(instanceHttp: string): Promise<number> {
  const text = await (await fetch(`${instanceHttp}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('draftbridge_connections_open{'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

describe.each(PROXIES)('behind %s', (proxyName) => {
  let cluster: Cluster;
  let webRoot: string | undefined;
  const opened: ChatTestClient[] = [];

  // A page's origin on the proxy, and the client's URL base, for each scheme.
  const base = (scheme: Scheme) => (scheme === 'ws' ? cluster.http : cluster.https);
  const wsBase = (scheme: Scheme) => base(scheme).replace(/^http/, 'ws');

  async function join(
    kind: ClientKind,
    scheme: Scheme,
    join: { room: string; nick: string; client: string; since?: number },
  ): Promise<ChatTestClient> {
    const client = await connectChatClient(kind, wsBase(scheme), {
      origin: base(scheme),
      ca: cluster.certificate.cert,
    });
    opened.push(client);
    client.send({ type: 'join', ...join });
    await client.waitFor(isType('welcome'));
    return client;
  }

  beforeAll(async () => {
    webRoot = await mkdtemp(path.join(tmpdir(), 'draftbridge-web-'));
    await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><title>draftbridge</title>');
    cluster = await startCluster({
      proxy: proxyName,
      logLevel: 'info',
      env: { WEB_ROOT: webRoot },
    });
  }, 60_000);
  afterAll(async () => {
    for (const client of opened) client.close();
    await cluster?.stop();
    if (webRoot !== undefined) await rm(webRoot, { recursive: true, force: true });
  });

  it('serves the web app over http and https', async () => {
    const plain = await (await fetch(`${cluster.http}/`)).text();
    const secure = await new Promise<string>((resolve, reject) => {
      https
        .get(`${cluster.https}/`, { ca: cluster.certificate.cert }, (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => {
            body += chunk.toString();
          });
          response.on('end', () => resolve(body));
        })
        .on('error', reject);
    });
    expect([plain, secure]).toEqual([expect.stringContaining('<title>draftbridge</title>'), plain]);
  });

  it('carries every generation over ws:// and wss:// to both instances, in one gap-free stream', async () => {
    const room = 'generations';
    const members: ChatTestClient[] = [];
    for (const scheme of SCHEMES) {
      for (const protocol of PROTOCOLS) {
        const nick = `${protocol}-${scheme}`;
        members.push(await join(protocol, scheme, { room, nick, client: `c-${nick}` }));
      }
    }
    // Round robin put members on both instances.
    const counts = await Promise.all(cluster.instances.map((i) => openConnections(i.http)));
    expect(counts.every((count) => count > 0)).toBe(true);
    expect(counts.reduce((a, b) => a + b)).toBeGreaterThanOrEqual(members.length);

    const rounds = 3;
    for (let j = 0; j < rounds; j += 1) {
      for (const [i, member] of members.entries()) {
        member.send({ type: 'say', id: `m-${i}-${j}`, text: `round ${j} from ${i} ✓ é` });
      }
    }
    const total = rounds * members.length;
    await Promise.all(members.map((member) => member.waitFor(hasSeq(total), 10_000)));
    const first = streamOf(members[0] as ChatTestClient);
    expect(first.map(([seq]) => seq)).toEqual(range(1, total));
    expect(new Set(first.map(([, id]) => id)).size).toBe(total);
    for (const member of members) expect(streamOf(member)).toEqual(first);

    const last = members.at(-1) as ChatTestClient;
    const welcome = await last.waitFor(isType('welcome'));
    expect(welcome.members.map((m) => m.protocol).sort()).toEqual(
      [...PROTOCOLS, ...PROTOCOLS].sort(),
    );
  });

  it("logs the address a trusted hop forwarded for, and the proxy's as the peer", async () => {
    // The test's own X-Forwarded-For comes from 127.0.0.1, which TRUST_PROXY trusts too: so
    // the proxy appends 127.0.0.1 and the server walks past both trusted hops to 198.51.100.7.
    const client = await connectRaw(
      Number(new URL(cluster.http).port),
      upgradeRequest('hixie-76', Number(new URL(cluster.http).port), {
        headers: { 'X-Forwarded-For': '198.51.100.7' },
      }),
    );
    await client.waitFor((data) => data.includes('\r\n\r\n'));
    const logged = () =>
      cluster.instances
        .flatMap((i) => i.process.output().split('\n'))
        .filter((line) => line.includes('"client":"198.51.100.7"'));
    const deadline = Date.now() + 3000;
    while (logged().length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    client.socket.destroy();
    const line = JSON.parse(logged()[0] ?? '{}') as { remote?: string; protocol?: string };
    expect(line.protocol).toBe('hixie-76');
    expect(line.remote).toMatch(/^127\.0\.0\.1:\d+$/);
  });

  it('relays draft-76 and draft-75 through the proxy', async () => {
    const room = 'relayed';
    const relay76 = await join('relay-76', 'wss', { room, nick: 'r76', client: 'c-r76' });
    const relay75 = await join('relay-75', 'ws', { room, nick: 'r75', client: 'c-r75' });
    const direct = await join('hixie-76', 'wss', { room, nick: 'direct', client: 'c-direct' });
    const welcome = await direct.waitFor(isType('welcome'));
    expect(welcome.members.map((m) => [m.nick, m.protocol, m.relay ?? false]).sort()).toEqual([
      ['direct', 'hixie-76', false],
      ['r75', 'hixie-75', true],
      ['r76', 'hixie-76', true],
    ]);
    relay76.send({ type: 'say', id: 'a', text: 'via the relay, draft-76' });
    relay75.send({ type: 'say', id: 'b', text: 'via the relay, draft-75' });
    direct.send({ type: 'say', id: 'c', text: 'directly' });
    await Promise.all([relay76, relay75, direct].map((c) => c.waitFor(hasSeq(3))));
    expect(streamOf(relay75)).toEqual(streamOf(direct));
    expect(streamOf(relay76)).toEqual(streamOf(direct));
  });

  // Each refusal: the status reaches the client, and the connection ends (no keep-alive).
  const REFUSALS: [string, Protocol, (port: number) => Buffer, string][] = [
    [
      'an unsupported version',
      'rfc6455',
      (port) =>
        Buffer.from(upgradeHead('rfc6455', port).replace('Version: 13', 'Version: 9'), 'latin1'),
      '426',
    ],
    [
      'a foreign origin on draft-76',
      'hixie-76',
      (port) => upgradeRequest('hixie-76', port, { origin: 'https://evil.example' }),
      '403',
    ],
    [
      'a foreign origin on RFC 6455',
      'rfc6455',
      (port) => upgradeRequest('rfc6455', port, { origin: 'https://evil.example' }),
      '403',
    ],
    [
      'an unknown path on draft-75',
      'hixie-75',
      (port) => upgradeRequest('hixie-75', port, { target: '/nowhere' }),
      '404',
    ],
    [
      'an unknown path on hybi-07',
      'hybi-07',
      (port) => upgradeRequest('hybi-07', port, { target: '/nowhere' }),
      '404',
    ],
  ];

  it.each(SCHEMES)(
    'passes refusals over %s to the client and ends the connection',
    async (scheme) => {
      const port = Number(new URL(base(scheme)).port);
      for (const [, , request, status] of REFUSALS) {
        const answer = await new Promise<{ head: string; ended: boolean }>((resolve, reject) => {
          const socket =
            scheme === 'wss'
              ? tls.connect({ host: '127.0.0.1', port, ca: cluster.certificate.cert })
              : net.connect(port, '127.0.0.1');
          let got = '';
          const timer = setTimeout(() => {
            socket.destroy();
            resolve({ head: got, ended: false });
          }, 3000);
          socket.on('data', (chunk: Buffer) => {
            got += chunk.toString('latin1');
          });
          socket.on('error', reject);
          socket.on('close', () => {
            clearTimeout(timer);
            resolve({ head: got, ended: true });
          });
          socket.write(request(port));
        });
        expect(answer.head.slice(0, 12)).toBe(`HTTP/1.1 ${status}`);
        expect(answer.ended).toBe(true);
      }
    },
  );

  // The evidence for haproxy.cfg's TCP frontend, on the same HAProxy and instance.
  it.runIf(proxyName === 'haproxy')(
    "shows HAProxy's HTTP mode refusing the drafts' handshakes, with or without accept-invalid-http-request",
    async () => {
      const [port = 0] = await freePorts(1);
      const dir = await mkdtemp(path.join(tmpdir(), 'draftbridge-haproxy-http-'));
      const config = path.join(dir, 'http-mode.cfg');
      await writeFile(
        config,
        [
          'defaults',
          '    mode http',
          '    option accept-invalid-http-request',
          '    timeout connect 2s',
          '    timeout client 10s',
          '    timeout server 10s',
          'frontend plain',
          `    bind 127.0.0.1:${port}`,
          '    default_backend instance',
          'backend instance',
          `    server a 127.0.0.1:${cluster.instances[1].port}`,
          '',
        ].join('\n'),
      );
      const haproxy = await startProcess({
        name: 'haproxy',
        command: 'haproxy',
        args: ['-db', '-f', config],
      });
      try {
        await waitForPort(port, haproxy);
        const statusOf = async (protocol: Protocol) => {
          const peer = await connectRaw(port, upgradeRequest(protocol, port));
          const head = (await peer.waitFor((data) => data.includes('\r\n\r\n'))).toString('latin1');
          peer.socket.destroy();
          return head.includes('Your browser sent an invalid request')
            ? `${head.slice(9, 12)} from HAProxy`
            : head.slice(9, 12);
        };
        const statuses = [];
        for (const protocol of PROTOCOLS) statuses.push([protocol, await statusOf(protocol)]);
        expect(statuses).toEqual([
          ['rfc6455', '101'],
          ['hybi-08', '101'],
          ['hybi-07', '101'],
          ['hixie-76', '400 from HAProxy'],
          ['hixie-75', '400 from HAProxy'],
        ]);
      } finally {
        await haproxy.stop('SIGKILL');
        await rm(dir, { recursive: true, force: true });
      }
    },
  );

  // Last: it kills an instance.
  it('brings the clients of a killed instance back through the proxy, resumed with since, nothing lost', async () => {
    const room = 'failover';
    type Member = { nick: string; scheme: Scheme; protocol: Protocol; client: ChatTestClient };
    const members: Member[] = [];
    for (const protocol of PROTOCOLS) {
      for (const scheme of SCHEMES) {
        const nick = `f-${protocol}-${scheme}`;
        const client = await join(protocol, scheme, { room, nick, client: `c-${nick}` });
        members.push({ nick, scheme, protocol, client });
      }
    }
    // Every member says something; what is not acknowledged when its instance dies is sent
    // again, with the same id, after it is back.
    const said = new Map<string, string[]>();
    const say = (member: Member, id: string) => {
      said.set(member.nick, [...(said.get(member.nick) ?? []), id]);
      member.client.send({ type: 'say', id, text: `${id} from ${member.nick}` });
    };
    for (const member of members) say(member, `${member.nick}-1`);
    await Promise.all(members.map((m) => m.client.waitFor(hasSeq(members.length), 10_000)));

    const [doomed] = cluster.instances;
    await doomed.process.stop('SIGKILL');
    const closes = await Promise.all(
      members.map((m) =>
        Promise.race([
          m.client.closed.then(() => true),
          new Promise((r) => setTimeout(() => r(false), 1500)),
        ]),
      ),
    );
    const lost = members.filter((_, i) => closes[i] === true);
    const stayed = members.filter((_, i) => closes[i] !== true);
    expect(lost.length).toBeGreaterThan(0);
    expect(stayed.length).toBeGreaterThan(0);

    // While they are away the others go on; then each comes back through the proxy.
    for (const member of stayed) say(member, `${member.nick}-2`);
    const seenBefore = new Map<string, number[]>();
    for (const member of lost) {
      const lastSeen = messagesOf(member.client).at(-1)?.seq ?? 0;
      const acked = new Set(
        messagesOf(member.client)
          .filter((m) => m.client === `c-${member.nick}`)
          .map((m) => m.id),
      );
      const back = await join(member.protocol, member.scheme, {
        room,
        nick: member.nick,
        client: `c-${member.nick}`,
        since: lastSeen,
      });
      for (const id of said.get(member.nick) ?? []) {
        if (!acked.has(id)) back.send({ type: 'say', id, text: `${id} from ${member.nick}` });
      }
      seenBefore.set(
        member.nick,
        messagesOf(member.client).map((m) => m.seq),
      );
      member.client = back;
      say(member, `${member.nick}-2`);
    }

    const total = [...said.values()].reduce((sum, ids) => sum + ids.length, 0);
    const survivor = stayed[0] as Member;
    await survivor.client.waitFor(hasSeq(total), 10_000);
    const stream = streamOf(survivor.client);
    expect(stream.map(([seq]) => seq)).toEqual(range(1, total));
    expect(stream.map(([, id]) => id).sort()).toEqual([...said.values()].flat().sort());
    // A member that came back saw every seq exactly once: before the kill, in the resumed
    // welcome, and live after it.
    for (const member of lost) {
      await member.client.waitFor(hasSeq(total), 10_000);
      const welcome = await member.client.waitFor(isType('welcome'));
      const seen = [
        ...(seenBefore.get(member.nick) ?? []),
        ...welcome.history.map((m) => m.seq),
        ...messagesOf(member.client).map((m) => m.seq),
      ];
      expect(seen).toEqual(range(1, total));
    }
  });
});
