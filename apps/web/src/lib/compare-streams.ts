/**
 * The verdict of the compare view and the lab: do members of one room, each on its own path
 * (RFC 6455, or an older protocol through the relay), see the same stream? The contract
 * promises the same messages in the same order whatever the protocol (docs/PROTOCOL.md,
 * "Guarantees"), so on the seq range every stream has seen, every seq must be present in each
 * with the same id, client and text, and no stream may skip a seq. A stream a few messages
 * behind the others is not a difference: it is still catching up.
 */
import type { ChatMessage } from '@draftbridge/shared-types';

/** Which side of the compare view. */
export type Side = 'left' | 'right';

/** The verdict on a set of streams named by `S`. */
export type StreamVerdict<S extends string = Side> =
  | { readonly kind: 'waiting' }
  | {
      readonly kind: 'identical';
      readonly count: number;
      readonly firstSeq: number;
      readonly lastSeq: number;
    }
  | { readonly kind: 'catching-up'; readonly behind: readonly S[]; readonly count: number }
  | {
      readonly kind: 'differ';
      readonly seq: number;
      readonly reason: 'mismatch' | 'gap';
      /** The stream that skipped (gap), or that disagrees with the first stream (mismatch). */
      readonly side: S;
      /** For a mismatch, the first stream, which the others are held against. */
      readonly against: S | null;
    };

type Stream = readonly ChatMessage[];

function findGap(stream: Stream): number | null {
  for (let i = 1; i < stream.length; i += 1) {
    const previous = stream[i - 1];
    const current = stream[i];
    if (previous !== undefined && current !== undefined && current.seq !== previous.seq + 1) {
      return previous.seq + 1;
    }
  }
  return null;
}

function isSameMessage(a: ChatMessage, b: ChatMessage): boolean {
  return a.id === b.id && a.client === b.client && a.text === b.text;
}

/** Compares seq-sorted streams of one room, each under its name; the first is the reference. */
export function compareStreamSet<S extends string>(
  streams: readonly (readonly [S, Stream])[],
): StreamVerdict<S> {
  for (const [side, stream] of streams) {
    const gap = findGap(stream);
    if (gap !== null) return { kind: 'differ', seq: gap, reason: 'gap', side, against: null };
  }
  const count = Math.max(0, ...streams.map(([, stream]) => stream.length));
  const empty = streams.filter(([, stream]) => stream.length === 0).map(([side]) => side);
  if (empty.length === streams.length) return { kind: 'waiting' };
  if (empty.length > 0) return { kind: 'catching-up', behind: empty, count };

  const firsts = streams.map(([, stream]) => stream[0]?.seq ?? 0);
  const lasts = streams.map(([, stream]) => stream.at(-1)?.seq ?? 0);
  const from = Math.max(...firsts);
  const to = Math.min(...lasts);
  const [reference, ...others] = streams;
  if (reference === undefined) return { kind: 'waiting' };
  const [referenceSide, referenceStream] = reference;
  let compared = 0;
  for (const [side, stream] of others) {
    const bySeq = new Map(stream.map((message) => [message.seq, message]));
    for (const message of referenceStream) {
      if (message.seq < from || message.seq > to) continue;
      const other = bySeq.get(message.seq);
      // Every stream is gap-free here, so `other` exists; the guard is for the type checker.
      if (other === undefined || !isSameMessage(message, other)) {
        return {
          kind: 'differ',
          seq: message.seq,
          reason: 'mismatch',
          side,
          against: referenceSide,
        };
      }
    }
  }
  for (const message of referenceStream)
    if (message.seq >= from && message.seq <= to) compared += 1;
  const latest = Math.max(...lasts);
  const behind = streams.filter((_, i) => lasts[i] !== latest).map(([side]) => side);
  if (behind.length > 0) return { kind: 'catching-up', behind, count: compared };
  return { kind: 'identical', count: compared, firstSeq: from, lastSeq: to };
}

/** Compares the compare view's two streams. */
export function compareStreams(left: Stream, right: Stream): StreamVerdict {
  return compareStreamSet<Side>([
    ['left', left],
    ['right', right],
  ]);
}
