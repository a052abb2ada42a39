/**
 * Which path a tab's connection takes to the chat: straight to `/ws` over RFC 6455, or
 * through the server's legacy relay (`/relay?draft=76|75`), which speaks RFC 6455 to the
 * browser and a genuine hixie draft to the server (docs/PROTOCOL.md, "Endpoints"). Browsers dropped
 * the drafts, so the relay is the only way a page can put itself on the legacy path.
 */
import type { ProtocolId } from '@draftbridge/shared-types';

/** The drafts the relay can speak, as its `draft` query parameter spells them. */
export const LEGACY_DRAFTS = ['76', '75'] as const;

/** One relay draft. */
export type LegacyDraft = (typeof LEGACY_DRAFTS)[number];

/** The protocol id each relay draft puts on the server's side of the relay. */
export const DRAFT_PROTOCOLS: Readonly<Record<LegacyDraft, ProtocolId>> = {
  '76': 'hixie-76',
  '75': 'hixie-75',
};

/** The direct RFC 6455 path, or the relay with a draft and whether it traces wire bytes. */
export type ChatPath =
  | { readonly kind: 'direct' }
  | { readonly kind: 'relay'; readonly draft: LegacyDraft; readonly trace: boolean };

/** The direct path. */
export const DIRECT_PATH: ChatPath = { kind: 'direct' };

/** Tells whether a string is a relay draft. */
export function isLegacyDraft(value: unknown): value is LegacyDraft {
  return typeof value === 'string' && (LEGACY_DRAFTS as readonly string[]).includes(value);
}

/** Builds the relay path for a draft; the page always traces, so the wire inspector has bytes. */
export function createRelayPath(draft: LegacyDraft, trace = true): ChatPath {
  return { kind: 'relay', draft, trace };
}

/** The WebSocket URL of a path on the page's own server (`ws:` or `wss:` like the page). */
export function createEndpointUrl(
  path: ChatPath,
  page: { protocol: string; host: string },
): string {
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  if (path.kind === 'direct') return `${scheme}//${page.host}/ws`;
  const trace = path.trace ? '&trace=1' : '';
  return `${scheme}//${page.host}/relay?draft=${path.draft}${trace}`;
}

/** Stores a path as a short string: `direct`, `relay-76` or `relay-75`. */
export function serializeChatPath(path: ChatPath): string {
  return path.kind === 'direct' ? 'direct' : `relay-${path.draft}`;
}

/** Reads a stored path; anything unknown is the direct path. */
export function parseChatPath(stored: string | null): ChatPath {
  const draft = stored?.startsWith('relay-') ? stored.slice('relay-'.length) : null;
  return isLegacyDraft(draft) ? createRelayPath(draft) : DIRECT_PATH;
}
