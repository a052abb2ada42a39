/**
 * @draftbridge/shared-types: the draftbridge wire contract (docs/PROTOCOL.md) as TypeScript types,
 * zod schemas and decoders. Imports nothing of ours; runs in Node and in the browser.
 */
export * from './client-messages.js';
export * from './decode.js';
export * from './error-codes.js';
export * from './limits.js';
export * from './protocols.js';
export * from './serialize-message.js';
export * from './server-messages.js';
