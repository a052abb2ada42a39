import { CLOSE_CODES } from '@draftbridge/protocol-router';
import { ERROR_CODES } from '@draftbridge/shared-types';
import { afterEach, describe, expect, it } from 'vitest';
import type { Hub } from '../hub.js';
import { HubUnavailableError } from '../hub.js';
import { createMemoryHub } from '../memory-hub.js';
import { createChatSession } from '../session.js';
import { FakeConnection } from '../test-support/fake-connection.js';

// A memory hub whose `say` is refused while `down`, as the Redis hub refuses it without Redis.
function createFlakyHub() {
  const inner = createMemoryHub();
  const state = { down: false };
  const hub: Hub = {
    join: (member, room, since) => inner.join(member, room, since),
    say: async (member, room, id, text) => {
      if (state.down) throw new HubUnavailableError(new Error('connect ECONNREFUSED'));
      await inner.say(member, room, id, text);
    },
    history: (member, room, before) => inner.history(member, room, before),
    leave: (member, room) => inner.leave(member, room),
    close: () => inner.close(),
  };
  return { hub, state };
}

describe('HubUnavailableError', () => {
  let hub: Hub | undefined;
  afterEach(() => hub?.close());

  it('carries the wire code unavailable and the cause', () => {
    const cause = new Error('connect ECONNREFUSED');
    const error = new HubUnavailableError(cause);
    expect(error.code).toBe('unavailable');
    expect(error.cause).toBe(cause);
    expect(error.message).toContain('ECONNREFUSED');
    expect(Object.hasOwn(ERROR_CODES, error.code)).toBe(true);
  });

  it('reaches the sender as an error, leaves its say unacknowledged and its connection open', async () => {
    const flaky = createFlakyHub();
    hub = flaky.hub;
    const connection = new FakeConnection('hixie-76');
    const session = createChatSession({ connection, hub, relay: false });
    connection.receive({ type: 'join', room: 'lobby', nick: 'ann', client: 'tab-1' });
    await session.settled();

    flaky.state.down = true;
    connection.receive({ type: 'say', id: 'm1', text: 'while down' });
    await session.settled();
    expect(connection.received.at(-1)).toEqual({
      type: 'error',
      code: 'unavailable',
      message: ERROR_CODES.unavailable,
    });
    expect(connection.receivedOf('message')).toEqual([]);
    expect(connection.closed).toBeUndefined();

    // The client resends the same id once the hub is back: one message, acknowledged.
    flaky.state.down = false;
    connection.receive({ type: 'say', id: 'm1', text: 'while down' });
    connection.receive({ type: 'say', id: 'm1', text: 'while down' });
    await session.settled();
    expect(connection.receivedOf('message')).toEqual([
      expect.objectContaining({ seq: 1, id: 'm1' }),
      expect.objectContaining({ seq: 1, id: 'm1' }),
    ]);
    expect(connection.closed).toBeUndefined();
  });

  it('still closes with 1011 for a hub failure that carries no wire code', async () => {
    const flaky = createFlakyHub();
    hub = flaky.hub;
    const failing: Hub = {
      ...flaky.hub,
      say: async () => {
        throw Object.assign(new Error('redis said ECONNRESET'), { code: 'ECONNRESET' });
      },
    };
    const connection = new FakeConnection();
    const session = createChatSession({ connection, hub: failing, relay: false });
    connection.receive({ type: 'join', room: 'lobby', nick: 'ann', client: 'tab-1' });
    connection.receive({ type: 'say', id: 'm1', text: 'x' });
    await session.settled();
    expect(connection.closed).toMatchObject({ code: CLOSE_CODES.internalError });
  });
});
