/**
 * @draftbridge/protocol-router: classify a WebSocket upgrade, hand it to the right engine,
 * and expose one Connection interface over both; plus a hixie-75/76 client.
 */
export * from './protocols.js';
