import { CLOSE_CODES, PreparedMessage } from '@draftbridge/protocol-router';
import {
  DEFAULT_RATE_BURST,
  DEFAULT_RATE_DROP_WINDOW_MS,
  DEFAULT_RATE_DROPS_BEFORE_CLOSE,
  DEFAULT_RATE_PER_SECOND,
  decodeServerMessage,
  ERROR_CODES,
  TEXT_MAX_CODE_POINTS,
} from '@draftbridge/shared-types';
import type { Counter } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMetrics, type Metrics } from '../metrics.js';
import { useFakeTimersPerTest } from '../test-support/fake-timers.js';
import type { Hub } from './hub.js';
import { createMemoryHub } from './memory-hub.js';
import { type ChatLimits, type ChatSession, createChatSession } from './session.js';
import { FakeConnection } from './test-support/fake-connection.js';

// The session counts and checks its backlog once per event-loop turn, after the turn's writes.
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const join = (nick: string, fields: Record<string, unknown> = {}) => ({
  type: 'join',
  room: 'lobby',
  nick,
  client: `client-${nick.trim()}`,
  ...fields,
});
const say = (id: string, text: string) => ({ type: 'say', id, text });

async function counterValue(counter: Counter<string>, labels: Record<string, string>) {
  const { values } = await counter.get();
  const found = values.find((value) =>
    Object.entries(labels).every(([key, label]) => value.labels[key] === label),
  );
  return found?.value ?? 0;
}

// A hub that records its calls in `calls` and takes 5 ms to join, as a remote one would.
function slowJoinHub(calls: string[], say: Hub['say']): Hub {
  return {
    join: async (member) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      calls.push(`join ${member.member.nick}`);
    },
    say,
    history: async () => {},
    leave: async () => {
      calls.push('leave');
    },
    close: async () => {},
  };
}

describe('createChatSession', () => {
  let hub: Hub;
  let metrics: Metrics;
  let sessions: ChatSession[];
  let nextId: number;

  function open(
    connection = new FakeConnection(),
    options: { relay?: boolean; limits?: Partial<ChatLimits>; hub?: Hub } = {},
  ) {
    const session = createChatSession({
      connection,
      hub: options.hub ?? hub,
      relay: options.relay ?? false,
      limits: options.limits,
      metrics,
      createMemberId: () => {
        nextId += 1;
        return `member-${nextId}`;
      },
    });
    sessions.push(session);
    return { connection, session };
  }

  async function settle() {
    await Promise.all(sessions.map((session) => session.settled()));
    await nextTurn();
  }

  async function joined(nick: string, connection = new FakeConnection()) {
    const opened = open(connection);
    connection.receive(join(nick));
    await settle();
    return opened;
  }

  beforeEach(() => {
    hub = createMemoryHub({ presenceWindowMs: 0 });
    metrics = createMetrics();
    sessions = [];
    nextId = 0;
  });
  afterEach(() => hub.close());

  it('answers ping with pong and the same t, before join', () => {
    const { connection } = open();
    connection.receive({ type: 'ping', t: 42.5 });
    connection.receive({ type: 'ping', t: 'abc' });
    connection.receive({ type: 'ping' });
    expect(connection.received).toEqual([
      { type: 'pong', t: 42.5 },
      { type: 'pong', t: 'abc' },
      { type: 'pong' },
    ]);
  });

  it('joins with a member built from the connection and the trimmed nick', async () => {
    const { connection, session } = open(new FakeConnection('hixie-76'));
    connection.receive(join('  ann  '));
    await settle();
    const self = {
      id: 'member-1',
      nick: 'ann',
      protocol: 'hixie-76',
      engine: 'faye-websocket',
    };
    expect(connection.received).toEqual([
      { type: 'welcome', room: 'lobby', self, members: [self], history: [], seq: 0 },
    ]);
    expect(session.member).toEqual(self);
    expect(session.room).toBe('lobby');
  });

  it('marks the member relay only when the server says its relay opened the leg', async () => {
    const relayed = open(new FakeConnection('hixie-76'), { relay: true });
    relayed.connection.receive(join('ann'));
    const outsider = open(new FakeConnection('hixie-76'));
    outsider.connection.receive(join('eve', { relay: true }));
    await settle();
    expect(relayed.session.member?.relay).toBe(true);
    expect(outsider.session.member).not.toHaveProperty('relay');
    expect(outsider.connection.receivedOf('welcome')[0]?.self).not.toHaveProperty('relay');
  });

  it('gives each connection its own member id', async () => {
    const ann = await joined('ann');
    const again = await joined('ann');
    expect(ann.session.member?.id).not.toBe(again.session.member?.id);
  });

  it.each([
    ['bad_json', '{"type":'],
    ['bad_message', '{"type":"shout"}'],
    ['bad_message', JSON.stringify(join('ann', { client: '' }))],
    ['invalid_room', JSON.stringify(join('ann', { room: 'Lobby' }))],
    ['invalid_nick', JSON.stringify(join('   '))],
    ['not_joined', JSON.stringify(say('m', 'hi'))],
    ['too_large', JSON.stringify(say('m', 'x'.repeat(TEXT_MAX_CODE_POINTS + 1)))],
  ])('answers %s and keeps the connection open', async (code, frame) => {
    const { connection } = open();
    connection.receive(frame);
    await settle();
    const [error] = connection.received;
    expect(error).toMatchObject({ type: 'error', code });
    expect(String(error?.message)).toContain(ERROR_CODES[code as keyof typeof ERROR_CODES]);
    expect(connection.closed).toBeUndefined();
    expect(await counterValue(metrics.errorsSent, { code })).toBe(1);
    // The connection still works afterwards.
    connection.receive({ type: 'ping', t: 1 });
    expect(connection.received.at(-1)).toEqual({ type: 'pong', t: 1 });
  });

  it('answers already_joined to a second join and stays in the first room', async () => {
    const { connection, session } = await joined('ann');
    connection.receive(join('ann', { room: 'other' }));
    await settle();
    expect(connection.received.at(-1)).toMatchObject({ type: 'error', code: 'already_joined' });
    expect(session.room).toBe('lobby');
    expect(connection.closed).toBeUndefined();
  });

  it('answers binary frames with binary_unsupported', () => {
    const { connection } = open();
    connection.receiveBinary(Buffer.from([1, 2, 3]));
    expect(connection.received).toEqual([
      { type: 'error', code: 'binary_unsupported', message: ERROR_CODES.binary_unsupported },
    ]);
    expect(connection.closed).toBeUndefined();
  });

  it('sends errors the contract schema accepts', () => {
    const { connection } = open();
    connection.receive('nope');
    connection.receive({ type: 'join', room: 'BAD', nick: 'a', client: 'c' });
    for (const text of connection.texts) expect(decodeServerMessage(text).ok).toBe(true);
  });

  it('broadcasts a say to every member, the sender included, as one shared object', async () => {
    const ann = await joined('ann');
    const bob = await joined('bob', new FakeConnection('hixie-75'));
    const cid = await joined('cid', new FakeConnection('hybi-07'));
    ann.connection.receive(JSON.stringify(say('m1', 'hello')));
    await settle();

    // One object for all three: serialized once, framed at most once per family
    // (memory-hub.test.ts counts the serializing).
    const sent = ann.connection.sent.at(-1);
    expect(sent).toBeInstanceOf(PreparedMessage);
    expect(bob.connection.sent.at(-1)).toBe(sent);
    expect(cid.connection.sent.at(-1)).toBe(sent);
    expect(bob.connection.received.at(-1)).toMatchObject({
      type: 'message',
      seq: 1,
      id: 'm1',
      client: 'client-ann',
      text: 'hello',
      from: ann.session.member,
    });
  });

  it('keeps unicode text byte for byte', async () => {
    const ann = await joined('ann');
    const bob = await joined('bob', new FakeConnection('hixie-76'));
    const texts = [
      '😀 emoji 👩‍👩‍👧 and flags 🇯🇵',
      '漢字かな交じり文',
      'שלום עולם مرحبا',
      'e\u0301 combining, \u200d joiner, \ufeff bom',
      '  leading and trailing spaces  ',
      '😀'.repeat(TEXT_MAX_CODE_POINTS),
    ];
    texts.forEach((text, i) => {
      ann.connection.receive(say(`u${i}`, text));
    });
    await settle();
    const received = bob.connection.receivedOf('message');
    expect(received.map((message) => message.text)).toEqual(texts);
    for (const [i, sent] of bob.connection.sent.slice(-texts.length).entries()) {
      const frame = (sent as PreparedMessage).frame('hybi');
      expect(frame.includes(Buffer.from(texts[i] as string, 'utf8'))).toBe(true);
    }
  });

  it('dedupes a resend after a reconnect, answering the sender only', async () => {
    const bob = await joined('bob');
    const first = await joined('ann');
    first.connection.receive(say('m1', 'hello'));
    await settle();
    first.connection.drop();
    await settle();

    const second = open();
    second.connection.receive(join('ann', { since: 0 }));
    second.connection.receive(say('m1', 'hello'));
    await settle();

    const messages = second.connection.receivedOf('message');
    expect(messages).toEqual([expect.objectContaining({ seq: 1, id: 'm1' })]);
    expect(second.connection.receivedOf('welcome')[0]?.history).toHaveLength(1);
    expect(bob.connection.receivedOf('message')).toHaveLength(1);
  });

  it('tells the others when a member disconnects', async () => {
    const ann = await joined('ann');
    const bob = await joined('bob');
    bob.connection.drop();
    await settle();
    expect(ann.connection.received.at(-1)).toEqual({
      type: 'presence',
      event: 'leave',
      member: bob.session.member,
    });
  });

  it('keeps join and the says that follow in order even when the hub is slow', async () => {
    const calls: string[] = [];
    const slowHub = slowJoinHub(calls, async (_member, _room, id) => {
      calls.push(`say ${id}`);
    });
    const { connection, session } = open(new FakeConnection(), { hub: slowHub });
    connection.receive(join('ann'));
    connection.receive(say('a', 'one'));
    connection.receive(say('b', 'two'));
    connection.drop();
    await session.settled();
    expect(calls).toEqual(['join ann', 'say a', 'say b', 'leave']);
  });

  it('calls a hub that is done at once right away, and still after a slow call before it', async () => {
    const calls: string[] = [];
    const hub = slowJoinHub(calls, (_member, _room, id) => {
      calls.push(`say ${id}`);
      return undefined;
    });
    const { connection, session } = open(new FakeConnection(), { hub });
    connection.receive(join('ann'));
    connection.receive(say('a', 'one'));
    expect(calls).toEqual([]);
    await session.settled();
    expect(calls).toEqual(['join ann', 'say a']);
    // Nothing waits now: the next say is made before the frame's handler returns.
    connection.receive(say('b', 'two'));
    expect(calls).toEqual(['join ann', 'say a', 'say b']);
  });

  it('closes with 1011 when the hub fails', async () => {
    const failingHub: Hub = {
      join: async () => {},
      say: async () => {
        throw new Error('redis went away');
      },
      history: async () => {},
      leave: async () => {},
      close: async () => {},
    };
    const { connection, session } = open(new FakeConnection(), { hub: failingHub });
    connection.receive(join('ann'));
    connection.receive(say('a', 'one'));
    await session.settled();
    expect(connection.closed).toMatchObject({ code: CLOSE_CODES.internalError });
  });

  it('counts messages in and out by protocol', async () => {
    const ann = await joined('ann', new FakeConnection('hixie-76'));
    ann.connection.receive({ type: 'ping' });
    ann.connection.receive(say('m', 'hi'));
    await settle();
    expect(await counterValue(metrics.messagesIn, { protocol: 'hixie-76' })).toBe(3);
    // welcome, pong, message
    expect(await counterValue(metrics.messagesOut, { protocol: 'hixie-76' })).toBe(3);
    expect(await counterValue(metrics.messagesOut, { protocol: 'rfc6455' })).toBe(0);
  });

  it('answers history with not_joined before a join, and with a page after', async () => {
    const { connection } = open();
    connection.receive({ type: 'history', before: 5 });
    expect(connection.received.at(-1)).toMatchObject({ type: 'error', code: 'not_joined' });
    connection.receive(join('ann'));
    connection.receive(say('a', 'one'));
    connection.receive(say('b', 'two'));
    connection.receive({ type: 'history', before: 2 });
    await settle();
    const page = connection.receivedOf('history')[0];
    expect(page).toMatchObject({ type: 'history', room: 'lobby', more: false });
    const messages = (page?.messages ?? []) as { text: string }[];
    expect(messages.map((m) => m.text)).toEqual(['one']);
  });

  it('answers room_full to a join past the room limit and lets the connection join elsewhere', async () => {
    hub = createMemoryHub({ presenceWindowMs: 0, maxRoomMembers: 1 });
    await joined('ann');
    const { connection, session } = open();
    connection.receive(join('bob'));
    await settle();
    expect(connection.received.at(-1)).toMatchObject({ type: 'error', code: 'room_full' });
    expect(session.room).toBeUndefined();
    connection.receive(join('bob', { room: 'annex' }));
    await settle();
    expect(connection.receivedOf('welcome')).toHaveLength(1);
    expect(session.room).toBe('annex');
  });

  it('counts a slow reader the router drops and takes it out of the room at once', async () => {
    const ann = await joined('ann');
    const slow = await joined('slow');
    slow.connection.overflow(2 * 1024 * 1024);
    await settle();
    expect(await counterValue(metrics.slowReadersClosed, { protocol: 'rfc6455' })).toBe(1);
    expect(ann.connection.received.at(-1)).toMatchObject({ type: 'presence', event: 'leave' });
  });
});

describe('createChatSession join timeout', () => {
  useFakeTimersPerTest();
  let hub: Hub;
  beforeEach(() => {
    hub = createMemoryHub({ presenceWindowMs: 0 });
  });
  afterEach(() => hub.close());

  it('closes a connection that has not joined in time with 1008, pings or not', () => {
    const connection = new FakeConnection();
    createChatSession({ connection, hub, relay: false, limits: { joinTimeoutMs: 1000 } });
    vi.advanceTimersByTime(600);
    connection.receive({ type: 'ping' });
    expect(connection.closed).toBeUndefined();
    vi.advanceTimersByTime(500);
    expect(connection.closed).toMatchObject({
      code: CLOSE_CODES.policyViolation,
      reason: 'join timeout',
    });
  });

  it('leaves a connection that joined in time open', async () => {
    const connection = new FakeConnection();
    const session = createChatSession({
      connection,
      hub,
      relay: false,
      limits: { joinTimeoutMs: 1000 },
    });
    connection.receive(join('ann'));
    await session.settled();
    vi.advanceTimersByTime(5000);
    expect(connection.closed).toBeUndefined();
  });
});

const NO_JOIN_TIMEOUT = { joinTimeoutMs: 1e9 };

describe('createChatSession rate limit', () => {
  useFakeTimersPerTest();
  let hub: Hub;
  let metrics: Metrics;
  beforeEach(() => {
    hub = createMemoryHub({ presenceWindowMs: 0 });
    metrics = createMetrics();
  });
  afterEach(() => hub.close());

  // These connections never join: the join timeout is not what they test.
  function open() {
    const connection = new FakeConnection();
    createChatSession({ connection, hub, relay: false, metrics, limits: NO_JOIN_TIMEOUT });
    return connection;
  }

  const ping = (connection: FakeConnection, count: number) => {
    for (let i = 0; i < count; i += 1) connection.receive({ type: 'ping', t: i });
  };

  it('lets a burst through, then drops the rest with one rate_limited', async () => {
    const connection = open();
    ping(connection, DEFAULT_RATE_BURST + 3);
    const answers = connection.received;
    expect(answers.slice(0, DEFAULT_RATE_BURST).every((m) => m.type === 'pong')).toBe(true);
    // One answer per second at most: a flood must not be answered byte for byte.
    expect(answers.slice(DEFAULT_RATE_BURST)).toEqual([
      expect.objectContaining({ code: 'rate_limited' }),
    ]);
    expect(await counterValue(metrics.rateLimited, { protocol: 'rfc6455' })).toBe(3);
    expect(connection.closed).toBeUndefined();
  });

  it('answers rate_limited at most once a second while it keeps dropping', () => {
    const connection = open();
    ping(connection, DEFAULT_RATE_BURST);
    for (let tick = 0; tick < 30; tick += 1) {
      vi.advanceTimersByTime(100);
      // Twice the rate: half of these are dropped.
      ping(connection, 4);
    }
    const errors = connection.receivedOf('error');
    expect(errors.length).toBeGreaterThanOrEqual(3);
    expect(errors.length).toBeLessThanOrEqual(4);
    expect(connection.closed).toBeUndefined();
  });

  it('takes the default for a limit given as undefined', () => {
    const connection = new FakeConnection();
    createChatSession({ connection, hub, relay: false, limits: { rateBurst: undefined } });
    ping(connection, DEFAULT_RATE_BURST + 1);
    expect(connection.receivedOf('pong')).toHaveLength(DEFAULT_RATE_BURST);
  });

  it('counts every kind of frame against the bucket', () => {
    const connection = open();
    for (let i = 0; i < DEFAULT_RATE_BURST; i += 1) {
      if (i % 2 === 0) connection.receiveBinary(Buffer.from([i]));
      else connection.receive('not json');
    }
    connection.receive({ type: 'ping' });
    expect(connection.received.at(-1)).toMatchObject({ code: 'rate_limited' });
  });

  it('refills at the configured rate', () => {
    const connection = open();
    ping(connection, DEFAULT_RATE_BURST);
    vi.advanceTimersByTime(1000);
    ping(connection, DEFAULT_RATE_PER_SECOND + 1);
    const answers = connection.received.slice(DEFAULT_RATE_BURST);
    expect(answers.filter((m) => m.type === 'pong')).toHaveLength(DEFAULT_RATE_PER_SECOND);
    expect(answers.at(-1)).toMatchObject({ code: 'rate_limited' });
  });

  it('closes with 1008 after 200 drops in the window', () => {
    const connection = open();
    ping(connection, DEFAULT_RATE_BURST + DEFAULT_RATE_DROPS_BEFORE_CLOSE - 1);
    expect(connection.closed).toBeUndefined();
    ping(connection, 1);
    expect(connection.closed).toMatchObject({ code: CLOSE_CODES.policyViolation });
    expect(connection.receivedOf('error')).toHaveLength(1);
  });

  it('takes a flooder out of its room at once, even before the close completes', async () => {
    const ann = new FakeConnection();
    const annSession = createChatSession({ connection: ann, hub, relay: false });
    ann.receive(join('ann'));
    const flooder = new FakeConnection();
    flooder.unansweredClose = true;
    const flooderSession = createChatSession({ connection: flooder, hub, relay: false });
    flooder.receive(join('flood'));
    await Promise.all([annSession.settled(), flooderSession.settled()]);

    ping(flooder, DEFAULT_RATE_BURST + DEFAULT_RATE_DROPS_BEFORE_CLOSE);
    await flooderSession.settled();
    expect(flooder.closed).toMatchObject({ code: CLOSE_CODES.policyViolation });
    expect(ann.received.at(-1)).toMatchObject({ type: 'presence', event: 'leave' });

    flooder.emit('close', CLOSE_CODES.abnormal, '');
    await flooderSession.settled();
    expect(ann.receivedOf('presence').filter((m) => m.event === 'leave')).toHaveLength(1);
  });

  it('closes a flood that lets a message through now and then: drops count in a window', () => {
    // The attack that a count of drops in a row missed: a token every 50 ms resets it.
    const connection = open();
    ping(connection, DEFAULT_RATE_BURST);
    let drops = 0;
    while (connection.closed === undefined && drops < 10 * DEFAULT_RATE_DROPS_BEFORE_CLOSE) {
      vi.advanceTimersByTime(1000 / DEFAULT_RATE_PER_SECOND);
      ping(connection, 10); // one gets through, nine are dropped
      drops += 9;
    }
    expect(connection.closed).toMatchObject({ code: CLOSE_CODES.policyViolation });
    expect(drops).toBeLessThanOrEqual(DEFAULT_RATE_DROPS_BEFORE_CLOSE + 9);
  });

  it('forgets the drops of a window that has ended', () => {
    const connection = open();
    ping(connection, DEFAULT_RATE_BURST + DEFAULT_RATE_DROPS_BEFORE_CLOSE - 1);
    vi.advanceTimersByTime(DEFAULT_RATE_DROP_WINDOW_MS + 1);
    ping(connection, DEFAULT_RATE_BURST + DEFAULT_RATE_DROPS_BEFORE_CLOSE - 1);
    expect(connection.closed).toBeUndefined();
    ping(connection, 1);
    expect(connection.closed).toMatchObject({ code: CLOSE_CODES.policyViolation });
  });
});
