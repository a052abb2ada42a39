import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeSocketFactory, type FakeSocketFactory } from '../test/fake-socket.js';
import { createChatMessage, createWelcome } from '../test/fixtures.js';
import { type ChatConnection, createChatConnection } from './chat-connection.js';
import { type ChatPath, createEndpointUrl, createRelayPath, DIRECT_PATH } from './chat-path.js';
import { PING_INTERVAL_MS, PONG_TIMEOUT_MS, RATE_LIMIT_RESEND_DELAY_MS } from './constants.js';
import type { NetworkMonitor } from './network.js';

const CLIENT = 'tab-client';
const page = { protocol: 'http:', host: 'chat.test' };

function createNetwork(initial: boolean) {
  let online = initial;
  const listeners = new Set<(online: boolean) => void>();
  const monitor: NetworkMonitor = {
    isOnline: () => online,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return {
    monitor,
    set(value: boolean) {
      online = value;
      for (const listener of listeners) listener(value);
    },
  };
}

function ownEcho(seq: number, id: string, text: string) {
  return createChatMessage(seq, { id, text, client: CLIENT });
}

describe('createChatConnection', () => {
  let fake: FakeSocketFactory;
  let connection: ChatConnection;

  const start = (path: ChatPath = DIRECT_PATH, network?: NetworkMonitor) => {
    connection = createChatConnection({
      room: 'lobby',
      nick: 'ann',
      clientId: CLIENT,
      path,
      createSocket: fake.create,
      urlFor: (p) => createEndpointUrl(p, page),
      random: () => 0.5,
      ...(network === undefined ? {} : { network }),
    });
    connection.start();
  };

  const goLive = (history = createWelcome()) => {
    fake.latest().open();
    fake.latest().receive(history);
  };

  // The socket drops, the first retry (500 ms with no jitter) opens and is welcomed.
  const dropAndReconnect = (welcome: ReturnType<typeof createWelcome>) => {
    fake.latest().drop();
    vi.advanceTimersByTime(500);
    goLive(welcome);
  };

  const saysSent = () => fake.latest().sent.filter((m) => (m as { type: string }).type === 'say');

  beforeEach(() => {
    vi.useFakeTimers();
    fake = createFakeSocketFactory();
  });
  afterEach(() => {
    connection.stop();
    vi.useRealTimers();
  });

  it('connects to /ws and joins without since on the first connection', () => {
    start();
    expect(connection.getSnapshot().status).toBe('connecting');
    expect(fake.latest().url).toBe('ws://chat.test/ws');
    fake.latest().open();
    expect(fake.latest().sent).toEqual([
      { type: 'join', room: 'lobby', nick: 'ann', client: CLIENT },
    ]);
  });

  it('is live after the welcome and shows its history', () => {
    start();
    goLive(createWelcome([createChatMessage(1), createChatMessage(2)]));
    const snapshot = connection.getSnapshot();
    expect(snapshot.status).toBe('live');
    expect(snapshot.chat.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(snapshot.chat.self?.nick).toBe('ann');
  });

  it('reconnects with backoff and a countdown, then rejoins with since', () => {
    start();
    goLive(createWelcome([createChatMessage(1), createChatMessage(2)]));
    fake.latest().drop();
    let snapshot = connection.getSnapshot();
    expect(snapshot.status).toBe('reconnecting');
    expect(snapshot.attempt).toBe(1);
    // random 0.5 means no jitter: the first delay is the base delay.
    expect(snapshot.retryAt).toBe(Date.now() + 500);
    vi.advanceTimersByTime(499);
    expect(fake.sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(fake.sockets).toHaveLength(2);
    fake.latest().drop();
    snapshot = connection.getSnapshot();
    expect(snapshot.attempt).toBe(2);
    expect(snapshot.retryAt).toBe(Date.now() + 1000);
    vi.advanceTimersByTime(1000);
    fake.latest().open();
    expect(fake.latest().sent[0]).toEqual({
      type: 'join',
      room: 'lobby',
      nick: 'ann',
      client: CLIENT,
      since: 2,
    });
    fake.latest().receive(createWelcome([createChatMessage(3)], { seq: 3 }));
    snapshot = connection.getSnapshot();
    expect(snapshot.status).toBe('live');
    expect(snapshot.attempt).toBe(0);
    expect(snapshot.chat.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it('retries at once when asked during the countdown', () => {
    start();
    goLive();
    fake.latest().drop();
    connection.retryNow();
    expect(fake.sockets).toHaveLength(2);
    expect(connection.getSnapshot().status).toBe('connecting');
  });

  it('sends a say when live and keeps it pending until the echo', () => {
    start();
    goLive();
    const id = connection.say('hello');
    expect(fake.latest().sent.at(-1)).toEqual({ type: 'say', id, text: 'hello' });
    expect(connection.getSnapshot().chat.pending.map((p) => p.id)).toEqual([id]);
    fake.latest().receive(ownEcho(1, id, 'hello'));
    expect(connection.getSnapshot().chat.pending).toEqual([]);
    expect(connection.getSnapshot().chat.messages.map((m) => m.id)).toEqual([id]);
  });

  it('holds a say typed while disconnected and sends it once the welcome arrives', () => {
    start();
    const id = connection.say('typed early');
    fake.latest().open();
    expect(fake.latest().sent).toHaveLength(1);
    fake.latest().receive(createWelcome());
    expect(fake.latest().sent.at(-1)).toEqual({ type: 'say', id, text: 'typed early' });
  });

  it('resends unacknowledged messages with the same id after a reconnect', () => {
    start();
    goLive();
    const id = connection.say('lost in flight');
    dropAndReconnect(createWelcome([], { seq: 0 }));
    expect(saysSent()).toEqual([{ type: 'say', id, text: 'lost in flight' }]);
  });

  it('does not resend a message the resume history already acknowledges', () => {
    start();
    goLive();
    const id = connection.say('arrived before the drop');
    dropAndReconnect(createWelcome([ownEcho(1, id, 'arrived before the drop')]));
    expect(saysSent()).toEqual([]);
    expect(connection.getSnapshot().chat.pending).toEqual([]);
  });

  it('shows a message once when the server answers a resend with the original', () => {
    start();
    goLive();
    const id = connection.say('once');
    fake.latest().receive(ownEcho(1, id, 'once'));
    fake.latest().receive(ownEcho(1, id, 'once'));
    expect(connection.getSnapshot().chat.messages).toHaveLength(1);
  });

  it('switches to the relay at once, rejoining with since and keeping pending messages', () => {
    start();
    goLive(createWelcome([createChatMessage(1)]));
    const id = connection.say('during the switch');
    connection.setPath(createRelayPath('hixie-76'));
    expect(fake.sockets[0]?.closed).toBe(true);
    expect(fake.latest().url).toBe('ws://chat.test/relay?protocol=hixie-76&trace=1');
    expect(connection.getSnapshot().chat.pending).toHaveLength(1);
    goLive(createWelcome([], { seq: 1 }));
    expect(fake.latest().sent).toEqual([
      { type: 'join', room: 'lobby', nick: 'ann', client: CLIENT, since: 1 },
      { type: 'say', id, text: 'during the switch' },
    ]);
  });

  it('ignores frames from a socket it has replaced', () => {
    start();
    goLive();
    const old = fake.latest();
    connection.setPath(createRelayPath('hixie-75'));
    old.receive(createChatMessage(9));
    old.drop();
    expect(connection.getSnapshot().chat.messages).toEqual([]);
    expect(connection.getSnapshot().status).toBe('connecting');
  });

  it('pings every 20 s and drops a connection whose pong does not come', () => {
    start();
    goLive();
    vi.advanceTimersByTime(PING_INTERVAL_MS);
    const ping = fake.latest().sent.at(-1) as { type: string; t: number };
    expect(ping.type).toBe('ping');
    fake.latest().receive({ type: 'pong', t: ping.t });
    vi.advanceTimersByTime(PONG_TIMEOUT_MS);
    expect(connection.getSnapshot().status).toBe('live');
    vi.advanceTimersByTime(PING_INTERVAL_MS - PONG_TIMEOUT_MS);
    vi.advanceTimersByTime(PONG_TIMEOUT_MS);
    expect(connection.getSnapshot().status).toBe('reconnecting');
  });

  it('stops retrying when the join is refused', () => {
    start();
    fake.latest().open();
    fake.latest().receive({ type: 'error', code: 'invalid_nick', message: 'bad nick' });
    const snapshot = connection.getSnapshot();
    expect(snapshot.status).toBe('offline');
    expect(snapshot.offlineReason).toBe('rejected');
    expect(snapshot.error?.code).toBe('invalid_nick');
    vi.advanceTimersByTime(60_000);
    expect(fake.sockets).toHaveLength(1);
  });

  it.each(['rate_limited', 'unavailable'] as const)('resends pending messages after %s', (code) => {
    start();
    goLive();
    const id = connection.say('slow down');
    fake.latest().receive({ type: 'error', code, message: 'slow' });
    expect(connection.getSnapshot().status).toBe('live');
    const before = fake.latest().sent.length;
    vi.advanceTimersByTime(RATE_LIMIT_RESEND_DELAY_MS);
    expect(fake.latest().sent.slice(before)).toEqual([{ type: 'say', id, text: 'slow down' }]);
  });

  it('goes offline with the network and reconnects when it returns', () => {
    const network = createNetwork(true);
    start(DIRECT_PATH, network.monitor);
    goLive();
    network.set(false);
    expect(connection.getSnapshot().status).toBe('offline');
    expect(connection.getSnapshot().offlineReason).toBe('network');
    vi.advanceTimersByTime(60_000);
    expect(fake.sockets).toHaveLength(1);
    network.set(true);
    expect(fake.sockets).toHaveLength(2);
    expect(connection.getSnapshot().status).toBe('connecting');
  });

  it('waits for the network before the first connection', () => {
    const network = createNetwork(false);
    start(DIRECT_PATH, network.monitor);
    expect(connection.getSnapshot().status).toBe('offline');
    expect(fake.sockets).toHaveLength(0);
  });

  it('counts frames that break the contract and ignores them', () => {
    start();
    goLive();
    fake.latest().receive('not json');
    fake.latest().receive({ type: 'message', seq: 'one' });
    expect(connection.getSnapshot().invalidFrames).toBe(2);
    expect(connection.getSnapshot().chat.messages).toEqual([]);
  });

  it('keeps the relay wire frames for the inspector', () => {
    start(createRelayPath('hixie-76'));
    goLive();
    fake.latest().receive({ type: 'wire', dir: 'out', protocol: 'hixie-76', bytes: 'AHt9/w==' });
    const [entry] = connection.getSnapshot().wire;
    expect(entry?.dir).toBe('out');
    expect(Array.from(entry?.bytes ?? [])).toEqual([0x00, 0x7b, 0x7d, 0xff]);
  });

  it('notifies subscribers and closes everything on stop', () => {
    start();
    const listener = vi.fn();
    connection.subscribe(listener);
    goLive();
    expect(listener).toHaveBeenCalled();
    connection.stop();
    expect(fake.latest().closed).toBe(true);
    expect(connection.getSnapshot().status).toBe('offline');
    vi.advanceTimersByTime(60_000);
    expect(fake.sockets).toHaveLength(1);
  });
});
