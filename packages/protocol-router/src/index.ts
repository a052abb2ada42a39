/**
 * @draftbridge/protocol-router: classify a WebSocket upgrade, hand it to the right engine and
 * expose one Connection interface over both; a client of every protocol it serves; the hybi
 * and hixie frame codecs both sides share. Raw-wire test helpers are the `./testing` entry.
 */

// The server side.
export { formatRefusal } from './abort-handshake.js';
export {
  type ClassifyOptions,
  classifyUpgrade,
  type Decision,
  readTarget,
  type UpgradeRequest,
} from './classify.js';
// The client kit.
export { connectClient } from './client/connect-client.js';
export {
  type ClientHandshake,
  type ClientHandshakeOptions,
  createClientHandshake,
  type HandshakeBytes,
  type HandshakeResult,
  type HandshakeTarget,
  readHandshakeResponse,
} from './client/handshake.js';
export {
  connectHixie,
  type HixieClient,
  type HixieClientEvents,
  type HixieClientOptions,
  type HixieDraft,
} from './client/hixie/hixie-client.js';
export { HixieError, type HixieErrorCode, isHixieError } from './client/hixie/hixie-errors.js';
export type {
  ClientOptions,
  ProtocolClient,
  ProtocolClientEvents,
} from './client/protocol-client.js';
export {
  CLOSE_CODES,
  type Connection,
  type ConnectionEvents,
  type ConnectionInfo,
} from './connection.js';
export {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_IDLE_TIMEOUT_MS,
  DEFAULT_INBOUND_BURST_BYTES,
  DEFAULT_INBOUND_BYTES_PER_SECOND,
  DEFAULT_KEEPALIVE_INTERVAL_MS,
  DEFAULT_MAX_BUFFERED_BYTES,
  DEFAULT_MAX_FRAGMENTS,
  DEFAULT_MAX_MESSAGE_BYTES,
  FRAME_COST_BYTES,
  RFC6455_GUID,
} from './constants.js';
export { DeadlineQueue } from './deadline-queue.js';
// Engines: what a forker adds one of.
export type {
  AcceptCallbacks,
  EngineAdapter,
  EngineContext,
  EngineLimits,
} from './engines/engine.js';
export { inputClock } from './engines/engine-connection.js';
export { ENGINE_ADAPTERS, ENGINES, type EngineRegistry } from './engines/index.js';
// The wire formats.
export {
  createProxyTrust,
  type Forwarding,
  type ProxyRange,
  type ProxyTrust,
  parseProxyRange,
  readForwarding,
} from './forwarded.js';
export {
  answerDraft76Challenge,
  computeDraft76Answer,
  createDraft76Key,
  parseDraft76Key,
} from './hixie/draft76-key.js';
export {
  encodeHixieTextFrame,
  HixieFrameReader,
  type HixieFrameReaderOptions,
  type HixieFrameSink,
} from './hixie/hixie-frames.js';
export {
  encodeHybiFrame,
  encodeHybiTextFrame,
  HYBI_OPCODES,
  HybiFrameError,
  type HybiFrameOptions,
  HybiFrameReader,
  type HybiFrameReaderOptions,
  type HybiFrameSink,
} from './hybi/hybi-frames.js';
export { createOriginPolicy, type OriginPolicy } from './origin-policy.js';
export { atTurnStart } from './outbox.js';
export { FrameRun, PreparedBatch, PreparedMessage } from './prepared-message.js';
export {
  type Engine,
  type FrameFamily,
  frameFamilyOf,
  PROTOCOL_TABLE,
  PROTOCOLS,
  type Protocol,
  type ProtocolSpec,
  protocolOfVersion,
  SUPPORTED_VERSIONS,
} from './protocols.js';
export {
  createProtocolRouter,
  type HandshakeFailure,
  type ProtocolRouter,
  type RouterOptions,
} from './router.js';
