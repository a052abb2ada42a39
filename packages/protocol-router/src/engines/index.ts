/**
 * The engine registry: a name-to-adapter table, so adding an engine is one file and one line.
 * Each adapter says which protocols it can serve; the protocol table (protocols.ts) says which
 * engine serves each protocol unless a request asks for another with `?engine=`.
 */
import type { EngineAdapter } from './engine.js';
import { fayeWebSocketEngine } from './faye-websocket.js';
import { websocketNodeEngine } from './websocket-node.js';

/** A table of engines by name, as the router takes it. */
export type EngineRegistry = Readonly<Record<string, EngineAdapter>>;

/** Every engine adapter by name: `websocket` is WebSocket-Node (its npm name). */
export const ENGINE_ADAPTERS = {
  websocket: websocketNodeEngine,
  'faye-websocket': fayeWebSocketEngine,
} as const satisfies EngineRegistry;

/** The names of the built-in engines. */
export const ENGINES = Object.keys(ENGINE_ADAPTERS) as readonly (keyof typeof ENGINE_ADAPTERS)[];
