/**
 * The relay's `wire` messages kept for the inspector: the exact bytes of each frame the relay
 * wrote (`out`) or read (`in`) on its leg, newest last, bounded. On a draft leg a frame the
 * relay wrote is a client's, which RFC 6455 would mask (§5.3), so it gets a masking key of its
 * own for the inspector's RFC 6455 view (the drafts never masked). A hybi leg's frames carry
 * their real keys in their bytes and get none.
 */
import type { WireMessage } from '@draftbridge/shared-types';
import { WIRE_LOG_LIMIT } from './constants.js';
import { decodeBase64, MASKING_KEY_BYTES } from './wire-bytes.js';

/** One frame as it crossed the legacy socket. */
export interface WireEntry {
  readonly key: number;
  readonly dir: WireMessage['dir'];
  readonly protocol: WireMessage['protocol'];
  readonly bytes: Uint8Array;
  /**
   * For a client's (`out`) frame on a draft leg, the key its RFC 6455 form is masked with; null
   * for a server's frame and on hybi legs.
   */
  readonly maskingKey: Uint8Array | null;
  readonly at: number;
}

/** True for the drafts, whose frames are `00 … FF`; false for hybi framing (RFC 6455 §5.2). */
export function isHixieProtocol(protocol: WireMessage['protocol']): boolean {
  return protocol === 'hixie-76' || protocol === 'hixie-75';
}

/** A fresh masking key from the browser's strong random source, as §5.3 asks of a client. */
export function createMaskingKey(): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(MASKING_KEY_BYTES));
}

/** Appends a `wire` message to the log, dropping the oldest past the limit. */
export function appendWireEntry(
  log: readonly WireEntry[],
  wire: WireMessage,
  at: number,
  nextMaskingKey: () => Uint8Array = createMaskingKey,
): WireEntry[] {
  const key = (log.at(-1)?.key ?? 0) + 1;
  const entry: WireEntry = {
    key,
    dir: wire.dir,
    protocol: wire.protocol,
    bytes: decodeBase64(wire.bytes),
    maskingKey: wire.dir === 'out' && isHixieProtocol(wire.protocol) ? nextMaskingKey() : null,
    at,
  };
  return [...log, entry].slice(-WIRE_LOG_LIMIT);
}
