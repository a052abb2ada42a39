import { EventEmitter } from 'node:events';
import type { ProtocolClientEvents } from '@draftbridge/protocol-router';
import type { ChatMessage, Member, ServerMessage } from '@draftbridge/shared-types';
import { describe, expect, it, vi } from 'vitest';
import { useFakeTimersPerTest } from '../test-support/fake-timers.js';
import { EXIT_DISCONNECTED, EXIT_OK, SEND_BURST } from './constants.js';
import { createTerminalChat, type TerminalConnection } from './terminal-chat.js';

const CLIENT = 'cli-test';
const self: Member = { id: 's1', nick: 'ann', protocol: 'hixie-76', engine: 'faye-websocket' };
const bob: Member = { id: 'b1', nick: 'bob', protocol: 'rfc6455', engine: 'websocket' };

// How the test ends a connection: cleanly or not, with the code and reason a server may give.
interface FakeClose {
  readonly clean: boolean;
  readonly code?: number;
  readonly reason?: string;
}

// A connection that records what the chat sends and lets the test play the server.
function createFakeConnection() {
  const sent: Record<string, unknown>[] = [];
  let open = true;
  const emitter = new EventEmitter<ProtocolClientEvents>();
  const calls = { close: 0, terminate: 0 };
  const connection: TerminalConnection = Object.assign(emitter, {
    send(text: string) {
      if (!open) return false;
      sent.push(JSON.parse(text) as Record<string, unknown>);
      return true;
    },
    close() {
      calls.close += 1;
    },
    terminate() {
      calls.terminate += 1;
    },
  });
  return {
    connection,
    sent,
    calls,
    says: () => sent.filter((m) => m.type === 'say'),
    receive: (message: ServerMessage | string) =>
      emitter.emit('message', typeof message === 'string' ? message : JSON.stringify(message)),
    fail(error: Error) {
      emitter.emit('error', error);
    },
    end(close: FakeClose) {
      open = false;
      // As the kit reports it: the server's code, else 1000 for a completed close, 1006 if none.
      emitter.emit('close', close.code ?? (close.clean ? 1000 : 1006), close.reason ?? '');
    },
  };
}

function welcome(members: Member[] = [self]): ServerMessage {
  return { type: 'welcome', room: 'lobby', self, members, history: [], seq: 0 };
}

function echo(say: Record<string, unknown>, seq: number, from: Member = self): ChatMessage {
  return {
    type: 'message',
    room: 'lobby',
    seq,
    id: String(say.id),
    client: from === self ? CLIENT : 'other',
    text: String(say.text),
    ts: 0,
    from,
  };
}

function start(options: { drainTimeoutMs?: number; pingIntervalMs?: number } = {}) {
  const fake = createFakeConnection();
  const output: string[] = [];
  const session = createTerminalChat({
    connection: fake.connection,
    room: 'lobby',
    nick: 'ann',
    clientId: CLIENT,
    print: (line) => output.push(line),
    ...options,
  });
  return { fake, output, session };
}

describe('createTerminalChat', () => {
  useFakeTimersPerTest();

  it('sends join first, holds typed lines until the welcome, then sends them as say', () => {
    const { fake, session } = start();
    expect(fake.sent).toEqual([{ type: 'join', room: 'lobby', nick: 'ann', client: CLIENT }]);
    session.submit('early');
    expect(fake.says()).toEqual([]);
    fake.receive(welcome());
    session.submit('  later, spaces kept  ');
    expect(fake.says().map((m) => m.text)).toEqual(['early', '  later, spaces kept  ']);
  });

  it('gives every line its own id', () => {
    const { fake, session } = start();
    fake.receive(welcome());
    for (let i = 0; i < 20; i += 1) session.submit(`line ${i}`);
    const ids = fake.says().map((m) => m.id);
    expect(new Set(ids).size).toBe(20);
    for (const id of ids) expect(String(id).length).toBeLessThanOrEqual(64);
  });

  it('prints chat messages, presence and errors as they arrive', () => {
    const { fake, output } = start();
    fake.receive(welcome([bob, self]));
    fake.receive({ type: 'presence', event: 'leave', member: bob });
    fake.receive(echo({ id: 'x', text: 'hi' }, 1, bob));
    fake.receive({ type: 'error', code: 'rate_limited', message: 'too many' });
    expect(output.slice(-3)).toEqual([
      '* bob [RFC 6455 · WebSocket-Node] left',
      expect.stringMatching(/^\d\d:\d\d:\d\d #1 bob \[RFC 6455 · WebSocket-Node\]: hi$/),
      '! rate_limited: too many',
    ]);
  });

  it('reports a frame that breaks the contract and keeps going', () => {
    const { fake, output } = start();
    fake.receive('not json');
    fake.receive(JSON.stringify({ type: 'message', seq: 'one' }));
    fake.receive(welcome());
    expect(output[0]).toMatch(/^! skipped a frame the contract does not allow/);
    expect(output[1]).toMatch(/^! skipped a frame/);
    expect(output).toContain('* joined lobby as ann [draft-76 · faye-websocket]');
  });

  it('on end of input waits for every line to be echoed, then closes and exits 0', async () => {
    const { fake, output, session } = start();
    session.submit('one');
    session.quit({ drain: true });
    expect(fake.calls.close).toBe(0);
    fake.receive(welcome());
    const [say] = fake.says();
    expect(say?.text).toBe('one');
    expect(fake.calls.close).toBe(0);
    fake.receive(echo(say ?? {}, 1));
    expect(fake.calls.close).toBe(1);
    fake.end({ clean: true });
    expect(await session.done).toBe(EXIT_OK);
    expect(output.at(-1)).toBe('* left');
  });

  it('gives up waiting after the drain timeout and exits non-zero', async () => {
    const { fake, output, session } = start({ drainTimeoutMs: 1000 });
    fake.receive(welcome());
    session.submit('never echoed');
    session.quit({ drain: true });
    vi.advanceTimersByTime(999);
    expect(fake.calls.close).toBe(0);
    vi.advanceTimersByTime(1);
    expect(fake.calls.close).toBe(1);
    expect(output).toContain('! 1 line(s) not acknowledged by the server before leaving');
    fake.end({ clean: true });
    expect(await session.done).toBe(EXIT_DISCONNECTED);
  });

  it('closes at once on interrupt, and exits non-zero when the close was not clean', async () => {
    const { fake, session } = start();
    fake.receive(welcome());
    session.quit({ drain: false });
    expect(fake.calls.close).toBe(1);
    session.submit('too late');
    expect(fake.says()).toEqual([]);
    fake.end({ clean: false });
    expect(await session.done).toBe(EXIT_DISCONNECTED);
  });

  it('says so and exits non-zero when the server closes the connection', async () => {
    const { fake, output, session } = start();
    fake.receive(welcome());
    session.submit('in flight');
    fake.end({ clean: true, code: 1001, reason: 'server shutting down' });
    expect(await session.done).toBe(EXIT_DISCONNECTED);
    expect(output.slice(-2)).toEqual([
      '! disconnected: the server closed the connection (1001 server shutting down)',
      '! 1 line(s) not acknowledged',
    ]);
    expect(fake.calls.close).toBe(0);
  });

  it('tells a lost connection from a closed one', async () => {
    const { fake, output, session } = start();
    fake.end({ clean: false, reason: 'read ECONNRESET' });
    expect(await session.done).toBe(EXIT_DISCONNECTED);
    expect(output.at(-1)).toBe('! disconnected: the connection was lost (read ECONNRESET)');
  });

  it('names the error that ended a connection the close gave no reason for', async () => {
    const { fake, output, session } = start();
    fake.fail(new Error('read EPIPE'));
    fake.end({ clean: false });
    expect(await session.done).toBe(EXIT_DISCONNECTED);
    expect(output.at(-1)).toBe('! disconnected: the connection was lost (read EPIPE)');
  });

  it('shows no code for a normal close, which says nothing the words do not', async () => {
    const { fake, output, session } = start();
    fake.end({ clean: true, code: 1000 });
    expect(await session.done).toBe(EXIT_DISCONNECTED);
    expect(output.at(-1)).toBe('! disconnected: the server closed the connection');
  });

  it('leaves with a non-zero status when the server refuses the join', async () => {
    const { fake, output, session } = start();
    fake.receive({ type: 'error', code: 'invalid_nick', message: 'bad nick' });
    expect(fake.calls.close).toBe(1);
    fake.end({ clean: true });
    expect(await session.done).toBe(EXIT_DISCONNECTED);
    expect(output).toContain('! the server refused to join; leaving');
  });

  it('pings on every interval and drops a connection whose pong never comes', () => {
    const { fake, output } = start({ pingIntervalMs: 20_000 });
    vi.advanceTimersByTime(20_000);
    const pings = () => fake.sent.filter((m) => m.type === 'ping');
    expect(pings()).toHaveLength(1);
    fake.receive({ type: 'pong', t: Number(pings()[0]?.t) });
    vi.advanceTimersByTime(20_000);
    expect(pings()).toHaveLength(2);
    expect(fake.calls.terminate).toBe(0);
    vi.advanceTimersByTime(20_000);
    expect(fake.calls.terminate).toBe(1);
    expect(output).toContain('! no answer to ping in 20 s; dropping the connection');
  });

  it('paces a pasted block under the server rate limit without dropping a line', () => {
    const { fake, session } = start();
    fake.receive(welcome());
    for (let i = 0; i < 100; i += 1) session.submit(`paste ${i}`);
    const firstBurst = fake.says().length;
    // The join took one token of the burst.
    expect(firstBurst).toBe(SEND_BURST - 1);
    vi.advanceTimersByTime(1000);
    expect(fake.says().length).toBeGreaterThan(firstBurst);
    expect(fake.says().length).toBeLessThanOrEqual(firstBurst + 20);
    vi.advanceTimersByTime(10_000);
    expect(fake.says().map((m) => m.text)).toEqual(
      Array.from({ length: 100 }, (_, i) => `paste ${i}`),
    );
  });

  it('runs commands, sends // lines with one slash, and refuses empty or over-long lines', () => {
    const { fake, output, session } = start();
    fake.receive(welcome([bob, self]));
    session.submit('/who');
    expect(output.at(-1)).toBe(
      '* 2 members: bob [RFC 6455 · WebSocket-Node], ann [draft-76 · faye-websocket]',
    );
    session.submit('/dance');
    expect(output.at(-1)).toMatch(/^! unknown command \/dance/);
    session.submit('//shrug');
    session.submit('   ');
    session.submit('x'.repeat(2001));
    expect(output.at(-1)).toBe('! not sent: 2001 characters, the limit is 2000');
    expect(fake.says().map((m) => m.text)).toEqual(['/shrug']);
    session.submit('/quit');
    expect(fake.calls.close).toBe(0); // '/shrug' is not acknowledged yet
    fake.receive(echo(fake.says()[0] ?? {}, 1));
    expect(fake.calls.close).toBe(1);
  });
});
