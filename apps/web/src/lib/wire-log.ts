/**
 * The relay's `wire` messages kept for the inspector: the exact hixie bytes of each frame the
 * relay wrote (`out`) or read (`in`), newest last, bounded.
 */
import type { WireMessage } from '@draftbridge/shared-types';
import { WIRE_LOG_LIMIT } from './constants.js';
import { decodeBase64 } from './wire-bytes.js';

/** One frame as it crossed the legacy socket. */
export interface WireEntry {
  readonly key: number;
  readonly dir: WireMessage['dir'];
  readonly protocol: WireMessage['protocol'];
  readonly bytes: Uint8Array;
  readonly at: number;
}

/** Appends a `wire` message to the log, dropping the oldest past the limit. */
export function appendWireEntry(
  log: readonly WireEntry[],
  wire: WireMessage,
  at: number,
): WireEntry[] {
  const key = (log.at(-1)?.key ?? 0) + 1;
  const entry: WireEntry = {
    key,
    dir: wire.dir,
    protocol: wire.protocol,
    bytes: decodeBase64(wire.bytes),
    at,
  };
  return [...log, entry].slice(-WIRE_LOG_LIMIT);
}
