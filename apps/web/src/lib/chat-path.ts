/**
 * Which path a tab's connection takes to the chat: straight to `/ws` over RFC 6455, or
 * through the server's relay (`/relay?protocol=...`), which speaks RFC 6455 to the browser and
 * a genuine older protocol (hybi-08, hybi-07, draft-76, draft-75) to the server
 * (docs/PROTOCOL.md, "Endpoints"). Browsers dropped every one of them, so the relay is the only
 * way a page can put itself on an older path.
 */
import {
  type ProtocolId,
  RELAY_PROTOCOL_IDS,
  type RelayProtocolId,
} from '@draftbridge/shared-types';

/** The drafts the chat's legacy toggle offers, as it names them. */
export const LEGACY_DRAFTS = ['76', '75'] as const;

/** One draft of the toggle. */
export type LegacyDraft = (typeof LEGACY_DRAFTS)[number];

/** The protocol id each toggle draft puts on the server's side of the relay. */
export const DRAFT_PROTOCOLS: Readonly<Record<LegacyDraft, RelayProtocolId>> = {
  '76': 'hixie-76',
  '75': 'hixie-75',
};

/** The direct RFC 6455 path, or the relay with the protocol of its leg and whether it traces. */
export type ChatPath =
  | { readonly kind: 'direct' }
  | { readonly kind: 'relay'; readonly protocol: RelayProtocolId; readonly trace: boolean };

/** The direct path. */
export const DIRECT_PATH: ChatPath = { kind: 'direct' };

/** Tells whether a string is a toggle draft. */
export function isLegacyDraft(value: unknown): value is LegacyDraft {
  return typeof value === 'string' && (LEGACY_DRAFTS as readonly string[]).includes(value);
}

/** Tells whether a string is a protocol the relay speaks. */
export function isRelayProtocol(value: unknown): value is RelayProtocolId {
  return typeof value === 'string' && (RELAY_PROTOCOL_IDS as readonly string[]).includes(value);
}

/** Builds the relay path for a leg; the page always traces, so the inspectors have bytes. */
export function createRelayPath(protocol: RelayProtocolId, trace = true): ChatPath {
  return { kind: 'relay', protocol, trace };
}

/** The protocol a path puts on the server's side: RFC 6455 directly, else the relay's leg. */
export function protocolOfPath(path: ChatPath): ProtocolId {
  return path.kind === 'direct' ? 'rfc6455' : path.protocol;
}

/** The toggle draft of a path on a draft leg; null on any other path. */
export function draftOfPath(path: ChatPath): LegacyDraft | null {
  if (path.kind !== 'relay') return null;
  return LEGACY_DRAFTS.find((draft) => DRAFT_PROTOCOLS[draft] === path.protocol) ?? null;
}

/** The WebSocket URL of a path on the page's own server (`ws:` or `wss:` like the page). */
export function createEndpointUrl(
  path: ChatPath,
  page: { protocol: string; host: string },
): string {
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  if (path.kind === 'direct') return `${scheme}//${page.host}/ws`;
  const trace = path.trace ? '&trace=1' : '';
  return `${scheme}//${page.host}/relay?protocol=${path.protocol}${trace}`;
}

/** Stores a path as a short string: `direct`, `relay-76`, `relay-75`, `relay-hybi-08`, ... */
export function serializeChatPath(path: ChatPath): string {
  if (path.kind === 'direct') return 'direct';
  return `relay-${draftOfPath(path) ?? path.protocol}`;
}

/** Reads a stored path; anything unknown is the direct path. */
export function parseChatPath(stored: string | null): ChatPath {
  const leg = stored?.startsWith('relay-') ? stored.slice('relay-'.length) : null;
  if (isLegacyDraft(leg)) return createRelayPath(DRAFT_PROTOCOLS[leg]);
  return isRelayProtocol(leg) ? createRelayPath(leg) : DIRECT_PATH;
}
