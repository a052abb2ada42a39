/**
 * The protocols the router recognises and the engine that serves each (docs/PROTOCOL.md,
 * "Protocols and engines"). The chat's copy of these names lives in @draftbridge/shared-types;
 * the router moves frames, not chat messages, so it keeps its own.
 */

/** Every protocol the router recognises, newest first. */
export const PROTOCOLS = ['rfc6455', 'hybi-08', 'hybi-07', 'hixie-76', 'hixie-75'] as const;

/** One protocol id. */
export type Protocol = (typeof PROTOCOLS)[number];

/** The engines behind the router. */
export const ENGINES = ['websocket', 'faye-websocket'] as const;

/** One engine name. */
export type Engine = (typeof ENGINES)[number];

/** Which engine serves each protocol unless the request forces another. */
export const DEFAULT_ENGINE: Readonly<Record<Protocol, Engine>> = {
  rfc6455: 'websocket',
  'hybi-08': 'websocket',
  'hybi-07': 'faye-websocket',
  'hixie-76': 'faye-websocket',
  'hixie-75': 'faye-websocket',
};
