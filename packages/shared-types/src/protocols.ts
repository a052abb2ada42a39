/**
 * The protocol and engine names a member carries on the wire (docs/PROTOCOL.md, "Protocols and engines").
 */

/** Every protocol the server speaks, newest first. */
export const PROTOCOL_IDS = ['rfc6455', 'hybi-08', 'hybi-07', 'hixie-76', 'hixie-75'] as const;

/** One protocol id. */
export type ProtocolId = (typeof PROTOCOL_IDS)[number];

/**
 * The protocols `/relay` speaks on its leg to `/ws`, chosen with `?protocol=` (docs/PROTOCOL.md,
 * "Endpoints"): every generation a browser no longer speaks itself.
 */
export const RELAY_PROTOCOL_IDS = ['hybi-08', 'hybi-07', 'hixie-76', 'hixie-75'] as const;

/** One protocol the relay can speak to `/ws`. */
export type RelayProtocolId = (typeof RELAY_PROTOCOL_IDS)[number];

/** What `/relay` speaks when its URL names neither `protocol` nor `draft`. */
export const DEFAULT_RELAY_PROTOCOL: RelayProtocolId = 'hixie-76';

/** The two engines behind the router. */
export const ENGINE_NAMES = ['websocket', 'faye-websocket'] as const;

/** One engine name. */
export type EngineName = (typeof ENGINE_NAMES)[number];

/** Human labels for badges: "RFC 6455", "draft-76", ... */
export const PROTOCOL_LABELS: Readonly<Record<ProtocolId, string>> = {
  rfc6455: 'RFC 6455',
  'hybi-08': 'hybi-08',
  'hybi-07': 'hybi-07',
  'hixie-76': 'draft-76',
  'hixie-75': 'draft-75',
};

/** How people read an engine's name: the id `websocket` (its npm name, the contract's) is WebSocket-Node. */
export const ENGINE_LABELS: Readonly<Record<EngineName, string>> = {
  websocket: 'WebSocket-Node',
  'faye-websocket': 'faye-websocket',
};
