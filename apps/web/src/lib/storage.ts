/**
 * What the page remembers: nick and room across reloads (localStorage), the client id and
 * the chosen path for one tab (sessionStorage, so two tabs are two clients). Storage can be
 * missing or throw (private modes, disabled cookies): the page then simply forgets.
 */
import { type ChatPath, parseChatPath, serializeChatPath } from './chat-path.js';
import { DEFAULT_ROOM, STORAGE_KEYS } from './constants.js';
import { createRandomId } from './ids.js';

/** The part of the Web Storage API the page uses. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Nick and room as last used. */
export interface Preferences {
  readonly nick: string;
  readonly room: string;
}

function read(store: KeyValueStore | null, key: string): string | null {
  try {
    return store?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function write(store: KeyValueStore | null, key: string, value: string): void {
  try {
    store?.setItem(key, value);
  } catch {
    // A full or forbidden store only costs the page its memory of this value.
  }
}

/** The tab's client id, created on first use and stable across reconnects and reloads. */
export function loadClientId(tabStore: KeyValueStore | null): string {
  const stored = read(tabStore, STORAGE_KEYS.clientId);
  if (stored !== null && stored.length > 0) return stored;
  const created = createRandomId('web-');
  write(tabStore, STORAGE_KEYS.clientId, created);
  return created;
}

/** The remembered nick and room (empty nick and the default room on a first visit). */
export function loadPreferences(store: KeyValueStore | null): Preferences {
  return {
    nick: read(store, STORAGE_KEYS.nick) ?? '',
    room: read(store, STORAGE_KEYS.room) ?? DEFAULT_ROOM,
  };
}

/** Remembers nick and room. */
export function savePreferences(store: KeyValueStore | null, preferences: Preferences): void {
  write(store, STORAGE_KEYS.nick, preferences.nick);
  write(store, STORAGE_KEYS.room, preferences.room);
}

/** The path this tab chose last (direct unless the toggle was on). */
export function loadChatPath(tabStore: KeyValueStore | null): ChatPath {
  return parseChatPath(read(tabStore, STORAGE_KEYS.legacyPath));
}

/** Remembers this tab's path. */
export function saveChatPath(tabStore: KeyValueStore | null, path: ChatPath): void {
  write(tabStore, STORAGE_KEYS.legacyPath, serializeChatPath(path));
}

/** The browser's two stores: `local` (localStorage) and `tab` (this tab's sessionStorage). */
export interface BrowserStores {
  readonly local: KeyValueStore | null;
  readonly tab: KeyValueStore | null;
}

/** The browser's stores, or null where touching them throws. */
export function getBrowserStores(): BrowserStores {
  const get = (pick: () => Storage): KeyValueStore | null => {
    try {
      return pick();
    } catch {
      return null;
    }
  };
  return { local: get(() => window.localStorage), tab: get(() => window.sessionStorage) };
}

/** Whether this tab was in a room when it was last open, so a reload goes straight back. */
export function loadAutoJoin(tabStore: KeyValueStore | null): boolean {
  return read(tabStore, STORAGE_KEYS.joined) === '1';
}

/** Remembers whether this tab is in a room. */
export function saveAutoJoin(tabStore: KeyValueStore | null, joined: boolean): void {
  write(tabStore, STORAGE_KEYS.joined, joined ? '1' : '0');
}
