import { describe, expect, it } from 'vitest';
import { createRelayPath, DIRECT_PATH } from './chat-path.js';
import { DEFAULT_ROOM } from './constants.js';
import {
  type KeyValueStore,
  loadAutoJoin,
  loadChatPath,
  loadClientId,
  loadPreferences,
  saveAutoJoin,
  saveChatPath,
  savePreferences,
} from './storage.js';

function createStore(): KeyValueStore {
  const values = new Map<string, string>();
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
  };
}

const throwing: KeyValueStore = {
  getItem: () => {
    throw new Error('denied');
  },
  setItem: () => {
    throw new Error('denied');
  },
};

describe('storage', () => {
  it('creates a client id once per tab store and keeps it', () => {
    const tab = createStore();
    const id = loadClientId(tab);
    expect(id).toMatch(/^web-[0-9a-f]{16}$/);
    expect(loadClientId(tab)).toBe(id);
    expect(loadClientId(createStore())).not.toBe(id);
  });

  it('remembers nick and room', () => {
    const store = createStore();
    expect(loadPreferences(store)).toEqual({ nick: '', room: DEFAULT_ROOM });
    savePreferences(store, { nick: 'ann', room: 'physics' });
    expect(loadPreferences(store)).toEqual({ nick: 'ann', room: 'physics' });
  });

  it('remembers the tab path', () => {
    const tab = createStore();
    expect(loadChatPath(tab)).toEqual(DIRECT_PATH);
    saveChatPath(tab, createRelayPath('hixie-75'));
    expect(loadChatPath(tab)).toEqual(createRelayPath('hixie-75'));
  });

  it('remembers whether the tab was in a room', () => {
    const tab = createStore();
    expect(loadAutoJoin(tab)).toBe(false);
    saveAutoJoin(tab, true);
    expect(loadAutoJoin(tab)).toBe(true);
    saveAutoJoin(tab, false);
    expect(loadAutoJoin(tab)).toBe(false);
  });

  it('forgets quietly when storage throws or is missing', () => {
    expect(loadPreferences(throwing)).toEqual({ nick: '', room: DEFAULT_ROOM });
    expect(() => savePreferences(throwing, { nick: 'a', room: 'b' })).not.toThrow();
    expect(loadClientId(null)).toMatch(/^web-/);
    expect(loadChatPath(throwing)).toEqual(DIRECT_PATH);
  });
});
