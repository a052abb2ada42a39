/**
 * The terminal client as a user runs it: a child process on a real server, with a second client
 * of another protocol in the same room. Lines go in through stdin and come out on stdout.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import type { ChatMessage, PresenceMessage, ServerMessage } from '@draftbridge/shared-types';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCertificate } from '../cluster/certificate.js';
import {
  type ChatTestClient,
  type ClientKind,
  connectChatClient,
  isType,
} from '../test-support/chat-client.js';
import { startTestServer, type TestServer, useTestServer } from '../test-support/test-server.js';
import type { ChatProtocol } from './constants.js';

const SERVER_WORKSPACE = fileURLToPath(new URL('../..', import.meta.url));
const TEST_TIMEOUT_MS = 15_000;
const OUTPUT_TIMEOUT_MS = 8000;

interface ChatProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  waitForOutput(pattern: RegExp): Promise<void>;
  readonly exited: Promise<number | null>;
}

const children = new Set<ChildProcessWithoutNullStreams>();
const clients = new Set<ChatTestClient>();

function spawnChat(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChatProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    cwd: SERVER_WORKSPACE,
    stdio: 'pipe',
    env: { ...process.env, ...env },
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    for (const waiter of [...waiters]) waiter();
  });
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = once(child, 'exit').then(([code]) => {
    children.delete(child);
    return code as number | null;
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForOutput: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(stdout)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${pattern} in stdout:\n${stdout}\nstderr:\n${stderr}`));
        }, OUTPUT_TIMEOUT_MS);
        waiters.add(check);
        check();
      }),
  };
}

async function joinPeer(kind: ClientKind, base: string, room: string, nick: string) {
  const peer = await connectChatClient(kind, base);
  clients.add(peer);
  peer.send({ type: 'join', room, nick, client: `peer-${nick}` });
  await peer.waitFor(isType('welcome'));
  return peer;
}

const chatArgs = (protocol: ChatProtocol, base: string, room: string, nick = 'term') => [
  '--protocol',
  protocol,
  '--room',
  room,
  '--nick',
  nick,
  '--url',
  base,
];

const isTextFrom =
  (text: string) =>
  (m: ServerMessage): m is ChatMessage =>
    m.type === 'message' && m.text === text;

const isPresenceOf =
  (event: 'join' | 'leave', nick: string) =>
  (m: ServerMessage): m is PresenceMessage =>
    m.type === 'presence' && m.event === event && m.member.nick === nick;

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  for (const client of clients) client.close();
  clients.clear();
});

describe('the terminal client', () => {
  const server = useTestServer();

  it.each([
    ['hixie-76', 'faye-websocket', 'rfc6455', '[RFC 6455 · WebSocket-Node]'],
    ['rfc6455', 'websocket', 'hixie-76', '[draft-76 · faye-websocket]'],
    ['hixie-75', 'faye-websocket', 'rfc6455', '[RFC 6455 · WebSocket-Node]'],
    ['hybi-08', 'websocket', 'hixie-76', '[draft-76 · faye-websocket]'],
    ['hybi-07', 'faye-websocket', 'rfc6455', '[RFC 6455 · WebSocket-Node]'],
  ] as const)(
    'chats over %s (%s) with a %s peer and leaves cleanly at the end of input',
    async (protocol, engine, peerKind, peerBadge) => {
      const room = `cli-${protocol}`;
      const peer = await joinPeer(peerKind, server.ws, room, 'pat');
      const chat = spawnChat(chatArgs(protocol, server.ws, room));
      await chat.waitForOutput(/^\* joined cli-[\w-]+ as term \[.+\]$/m);
      const joined = await peer.waitFor(isPresenceOf('join', 'term'));
      expect(joined.member).toMatchObject({ protocol, engine });

      chat.child.stdin.write('hello from the terminal ✓ 👋\n');
      const said = await peer.waitFor(isTextFrom('hello from the terminal ✓ 👋'));
      expect(said.seq).toBe(1);
      expect(said.from).toMatchObject({ nick: 'term', protocol, engine });
      expect(said.client).toMatch(/^cli-/);

      peer.send({ type: 'say', id: 'p1', text: 'hi terminal, שלום' });
      const badge = peerBadge.replace(/[[\]]/g, '\\$&');
      await chat.waitForOutput(
        new RegExp(`^\\d\\d:\\d\\d:\\d\\d #2 pat ${badge}: hi terminal, שלום$`, 'm'),
      );

      chat.child.stdin.end();
      expect(await chat.exited).toBe(0);
      await peer.waitFor(isPresenceOf('leave', 'term'));
      expect(chat.stdout()).toMatch(/^\* left$/m);
      expect(chat.stderr()).toBe('');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'sends every piped line before it closes when input ends at once',
    async () => {
      const peer = await joinPeer('rfc6455', server.ws, 'cli-pipe', 'pat');
      const chat = spawnChat(chatArgs('hixie-76', server.ws, 'cli-pipe'));
      chat.child.stdin.end('first\n\nsecond\n//slashed\n');
      expect(await chat.exited).toBe(0);
      await peer.waitFor(isTextFrom('/slashed'));
      const texts = peer.messages.flatMap((m) => (m.type === 'message' ? [m.text] : []));
      expect(texts).toEqual(['first', 'second', '/slashed']);
      expect(new Set(peer.messages.flatMap((m) => (m.type === 'message' ? [m.id] : []))).size).toBe(
        3,
      );
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'exits 2 with the option and its accepted values on a bad argument',
    async () => {
      const chat = spawnChat(['--protocol', 'hixie-77', '--room', 'lobby', '--nick', 'x']);
      expect(await chat.exited).toBe(2);
      expect(chat.stderr()).toMatch(
        /--protocol must be one of rfc6455, hybi-08, hybi-07, hixie-76, hixie-75/,
      );
    },
    TEST_TIMEOUT_MS,
  );
});

describe('the terminal client over TLS', () => {
  let server: TestServer;
  let dir: string;
  let terminator: tls.Server;
  let wss: string;
  beforeAll(async () => {
    server = await startTestServer();
    dir = await mkdtemp(path.join(tmpdir(), 'draftbridge-cli-tls-'));
    const certificate = await createCertificate(dir);
    // TLS ends here, as at a proxy; the bytes inside go to the server unchanged.
    terminator = tls.createServer(
      { cert: certificate.cert, key: await readFile(certificate.keyFile, 'utf8') },
      (secure) => {
        const plain = net.connect(server.port, '127.0.0.1');
        secure.on('error', () => plain.destroy());
        plain.on('error', () => secure.destroy());
        secure.pipe(plain).pipe(secure);
      },
    );
    terminator.listen(0, '127.0.0.1');
    await once(terminator, 'listening');
    wss = `wss://127.0.0.1:${(terminator.address() as AddressInfo).port}`;
  }, TEST_TIMEOUT_MS);
  afterAll(async () => {
    terminator.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it(
    'chats over wss:// on hybi-07, which only the kit speaks',
    async () => {
      const peer = await joinPeer('rfc6455', server.ws, 'cli-tls', 'pat');
      const chat = spawnChat(chatArgs('hybi-07', wss, 'cli-tls'), {
        NODE_EXTRA_CA_CERTS: path.join(dir, 'cert.pem'),
      });
      await chat.waitForOutput(/^\* joined cli-tls as term \[hybi-07 · faye-websocket\]$/m);
      chat.child.stdin.write('over TLS ✓\n');
      expect(await peer.waitFor(isTextFrom('over TLS ✓'))).toMatchObject({
        from: { protocol: 'hybi-07' },
      });
      chat.child.stdin.end();
      expect(await chat.exited).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('the terminal client with a history of megabytes', () => {
  const HISTORY = 200;
  let server: TestServer;
  beforeAll(async () => {
    // Every welcome carries all 200 messages of 2000 four-byte characters: about 1.6 MB,
    // past WebSocket-Node's 1 MiB default and the hixie client's 64 KiB default.
    // The server is told to send it whole: pages and history budgets are set past it.
    server = await startTestServer({
      historyWelcome: HISTORY,
      ratePerSecond: 10_000,
      rateBurst: 10_000,
      slowReaderBytes: 64 * 1024 * 1024,
      historyPageBytes: 32 * 1024 * 1024,
      historyRoomBytes: 32 * 1024 * 1024,
      inboundBytesPerSecond: 64 * 1024 * 1024,
      inboundBurstBytes: 64 * 1024 * 1024,
    });
    const filler = await joinPeer('rfc6455', server.ws, 'big', 'filler');
    for (let i = 1; i <= HISTORY; i += 1) {
      filler.send({ type: 'say', id: `f${i}`, text: `${i} ${'😀'.repeat(1990)}` });
    }
    await filler.waitFor((m) => m.type === 'message' && m.seq === HISTORY, OUTPUT_TIMEOUT_MS);
    filler.close();
  }, TEST_TIMEOUT_MS);
  afterAll(async () => {
    await server.stop();
  });

  it.each(['hixie-76', 'rfc6455', 'hybi-07'] as const)(
    'takes the whole welcome over %s',
    async (protocol) => {
      const chat = spawnChat(chatArgs(protocol, server.ws, 'big'));
      await chat.waitForOutput(/^\* joined big as term/m);
      const seqs = [...chat.stdout().matchAll(/ #(\d+) filler /g)].map((m) => Number(m[1]));
      expect(seqs).toEqual(Array.from({ length: HISTORY }, (_, i) => i + 1));
      chat.child.stdin.end();
      expect(await chat.exited).toBe(0);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('the terminal client when the server goes away', () => {
  it.each(['hixie-76', 'rfc6455'] as const)(
    'over %s says it was disconnected and exits 1',
    async (protocol) => {
      const server = await startTestServer();
      try {
        const chat = spawnChat(chatArgs(protocol, server.ws, 'gone'));
        await chat.waitForOutput(/^\* joined gone as term/m);
        await server.stop();
        expect(await chat.exited).toBe(1);
        expect(chat.stdout()).toMatch(/^! disconnected: the server closed the connection/m);
      } finally {
        await server.stop();
      }
    },
    TEST_TIMEOUT_MS,
  );
});
