/**
 * Everything that differs between draft-hixie-thewebsocketprotocol-75 and -76, in one table
 * (the same split as websocket-driver's `draft75.js` and `draft76.js`).
 *
 * - Handshake. Draft-75 trusts the server's `101` and echoed headers. Draft-76 (§4.1 steps
 *   17-26, §5.2) adds a challenge so that a server which did not understand the request cannot
 *   pass for one that did: two `Sec-WebSocket-Key1/Key2` headers each hiding a number, 8 random
 *   bytes (key3) sent after the request headers, and a 16-byte MD5 answer the server sends after
 *   its own headers. Draft-76 also prefixes its response headers with `Sec-`.
 * - Closing. Draft-75 has no closing handshake: closing is closing TCP. Draft-76 (§4.2, §5.3)
 *   sends `0xFF 0x00` and waits for the peer's `0xFF 0x00` before closing TCP, so that both sides
 *   know no message was cut off. A draft-75 client that receives `0xFF 0x00` anyway treats it as
 *   the server ending the connection.
 *
 * Framing is identical in both and lives in hixie-framing.ts.
 */

import {
  computeDraft76Answer,
  createDraft76Key,
  createDraft76Key3,
} from '../../hixie/draft76-key.js';
import type { Protocol } from '../../protocols.js';

/** The two hixie drafts the client speaks. */
export const HIXIE_DRAFTS = [75, 76] as const;

/** One hixie draft: 75 or 76. */
export type HixieDraft = (typeof HIXIE_DRAFTS)[number];

/** The per-connection secret of a handshake: what to send and what to expect back. */
export interface HixieChallenge {
  /** Request headers that carry the challenge. */
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>;
  /** Bytes sent right after the request headers (draft-76's key3). */
  readonly body: Buffer;
  /** Bytes the server must send right after its response headers (draft-76's answer). */
  readonly expectedAnswer: Buffer;
}

/** How one draft shakes hands and closes. */
export interface HixieDraftRules {
  /** The router's protocol id for this draft. */
  readonly protocol: Extract<Protocol, 'hixie-75' | 'hixie-76'>;
  /** The response header (lower case) that echoes the request's Origin. */
  readonly originHeader: string;
  /** The response header (lower case) that must repeat the URL the client asked for. */
  readonly locationHeader: string;
  /** True when closing is a `0xFF 0x00` exchange rather than a bare TCP close. */
  readonly hasClosingHandshake: boolean;
  /** Makes a fresh challenge for one connection attempt. */
  createChallenge(): HixieChallenge;
}

const NO_BYTES = Buffer.alloc(0);

function createDraft76Challenge(): HixieChallenge {
  const key1 = createDraft76Key();
  const key2 = createDraft76Key();
  const key3 = createDraft76Key3();
  return {
    headers: [
      ['Sec-WebSocket-Key1', key1.key],
      ['Sec-WebSocket-Key2', key2.key],
    ],
    body: key3,
    expectedAnswer: computeDraft76Answer(key1.part, key2.part, key3),
  };
}

/** The rules of each draft. */
export const HIXIE_DRAFT_RULES: Readonly<Record<HixieDraft, HixieDraftRules>> = {
  75: {
    protocol: 'hixie-75',
    originHeader: 'websocket-origin',
    locationHeader: 'websocket-location',
    hasClosingHandshake: false,
    createChallenge: () => ({ headers: [], body: NO_BYTES, expectedAnswer: NO_BYTES }),
  },
  76: {
    protocol: 'hixie-76',
    originHeader: 'sec-websocket-origin',
    locationHeader: 'sec-websocket-location',
    hasClosingHandshake: true,
    createChallenge: createDraft76Challenge,
  },
};

/** Tells whether a value names a hixie draft the client speaks. */
export function isHixieDraft(value: unknown): value is HixieDraft {
  return HIXIE_DRAFTS.some((draft) => draft === value);
}
