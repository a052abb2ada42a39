/**
 * The engine registry: a name-to-adapter table, so adding an engine is one file and one line.
 */
import type { Engine } from '../protocols.js';
import type { EngineAdapter } from './engine.js';
import { fayeWebSocketEngine } from './faye-websocket.js';
import { websocketNodeEngine } from './websocket-node.js';

/** Every engine adapter by name. */
export const ENGINE_ADAPTERS: Readonly<Record<Engine, EngineAdapter>> = {
  websocket: websocketNodeEngine,
  'faye-websocket': fayeWebSocketEngine,
};
