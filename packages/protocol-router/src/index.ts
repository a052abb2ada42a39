/**
 * @draftbridge/protocol-router: classify a WebSocket upgrade, hand it to the right engine,
 * and expose one Connection interface over both; plus a hixie-75/76 client.
 */
export * from './abort-handshake.js';
export * from './classify.js';
export * from './connection.js';
export * from './constants.js';
export * from './engines/index.js';
export * from './hixie/draft76-key.js';
export * from './hixie/hixie-client.js';
export * from './hixie/hixie-errors.js';
export * from './hixie/hixie-framing.js';
export * from './origin-policy.js';
export * from './prepared-message.js';
export * from './protocols.js';
export * from './router.js';
