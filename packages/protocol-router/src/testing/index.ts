/**
 * @draftbridge/protocol-router/testing: raw-wire helpers for tests of anything that speaks
 * WebSocket. A raw TCP peer that writes bytes and collects what comes back, valid upgrade
 * requests of every protocol with the specs' example keys, hand-made client frames, a raw
 * session of any protocol that reads the server's frames with the package's own codecs, one
 * `eventually`, and the wait list the peers are built on.
 */
export { eventually } from './eventually.js';
export { clientFrame } from './frames.js';
export {
  connectRaw,
  endOfHead,
  type RawAnswer,
  type RawPeer,
  type RawPeerOptions,
  rawUpgrade,
} from './raw-peer.js';
export {
  clientTextFrame,
  openRawSession,
  type RawSession,
  type ServerFrame,
} from './raw-session.js';
export {
  DRAFT76_EXAMPLE,
  type HeaderLines,
  RFC6455_EXAMPLE,
  requestHead,
  type UpgradeOptions,
  upgradeHead,
  upgradeRequest,
} from './requests.js';
export { createWaitList, type WaitList } from './wait-list.js';
