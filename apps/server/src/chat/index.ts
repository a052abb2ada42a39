/**
 * The chat core: rooms and sessions, with no knowledge of sockets or engines beyond the
 * router's Connection interface.
 */
export * from './hub.js';
export * from './memory-hub.js';
export * from './rate-limiter.js';
export * from './session.js';
