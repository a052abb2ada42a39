import { describe, expect, it } from 'vitest';
import {
  createChatMessage,
  createMember,
  createPresence,
  createWelcome,
} from '../test/fixtures.js';
import {
  addPending,
  applyChatMessage,
  applyPresence,
  applyWelcome,
  createChatState,
} from './chat-state.js';

const CLIENT = 'me';

describe('chat state', () => {
  it('keeps messages sorted by seq and each seq once', () => {
    let state = createChatState();
    for (const seq of [1, 3, 2, 3, 1]) {
      state = applyChatMessage(state, createChatMessage(seq), CLIENT);
    }
    expect(state.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(state.lastSeq).toBe(3);
  });

  it('returns the same state for a duplicate, so nothing re-renders', () => {
    const state = applyChatMessage(createChatState(), createChatMessage(1), CLIENT);
    expect(applyChatMessage(state, createChatMessage(1), CLIENT)).toBe(state);
  });

  it('acknowledges a pending say only with this client and the same id', () => {
    let state = addPending(createChatState(), { id: 'a', text: 'hi', createdAt: 0 });
    state = applyChatMessage(state, createChatMessage(1, { id: 'a', client: 'other' }), CLIENT);
    expect(state.pending).toHaveLength(1);
    state = applyChatMessage(state, createChatMessage(2, { id: 'a', client: CLIENT }), CLIENT);
    expect(state.pending).toHaveLength(0);
  });

  it('merges a welcome history with what is already shown', () => {
    let state = applyChatMessage(createChatState(), createChatMessage(1), CLIENT);
    state = applyWelcome(
      state,
      createWelcome([createChatMessage(1), createChatMessage(2)]),
      CLIENT,
    );
    expect(state.messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(state.self?.nick).toBe('ann');
  });

  it('takes the room seq from the welcome even with an empty history', () => {
    const state = applyWelcome(createChatState(), createWelcome([], { seq: 7 }), CLIENT);
    expect(state.lastSeq).toBe(7);
  });

  it('remembers that a resume was truncated', () => {
    let state = applyWelcome(createChatState(), createWelcome([], { truncated: true }), CLIENT);
    state = applyWelcome(state, createWelcome(), CLIENT);
    expect(state.truncated).toBe(true);
  });

  it('adds and removes members on presence, with a notice after the latest seq', () => {
    const bob = createMember({
      id: 'b',
      nick: 'bob',
      protocol: 'hixie-76',
      engine: 'faye-websocket',
    });
    let state = applyWelcome(createChatState(), createWelcome([createChatMessage(1)]), CLIENT);
    state = applyPresence(state, createPresence('join', bob), 10);
    expect(state.members.map((m) => m.nick)).toEqual(['ann', 'bob']);
    state = applyPresence(state, createPresence('leave', bob), 20);
    expect(state.members.map((m) => m.nick)).toEqual(['ann']);
    expect(state.notices.map((n) => [n.event, n.afterSeq])).toEqual([
      ['join', 1],
      ['leave', 1],
    ]);
  });
});
