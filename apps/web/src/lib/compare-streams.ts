/**
 * The compare view's verdict: do two members of one room, one on RFC 6455 and one on
 * draft-76 through the relay, see the same stream? The contract promises the same messages
 * in the same order whatever the protocol (docs/PROTOCOL.md, "Guarantees"), so on the seq range
 * both have seen, every seq must be present in both with the same id, client and text, and
 * neither stream may skip a seq. One stream being a few messages ahead is not a difference:
 * it is still catching up.
 */
import type { ChatMessage } from '@draftbridge/shared-types';

/** Which side of the compare view. */
export type Side = 'left' | 'right';

/** The verdict on two streams. */
export type StreamVerdict =
  | { readonly kind: 'waiting' }
  | {
      readonly kind: 'identical';
      readonly count: number;
      readonly firstSeq: number;
      readonly lastSeq: number;
    }
  | { readonly kind: 'catching-up'; readonly behind: Side; readonly count: number }
  | {
      readonly kind: 'differ';
      readonly seq: number;
      readonly reason: 'mismatch' | 'gap';
      readonly side: Side | null;
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

/** Compares two seq-sorted streams of one room. */
export function compareStreams(left: Stream, right: Stream): StreamVerdict {
  for (const [side, stream] of [
    ['left', left],
    ['right', right],
  ] as const) {
    const gap = findGap(stream);
    if (gap !== null) return { kind: 'differ', seq: gap, reason: 'gap', side };
  }
  const leftFirst = left[0];
  const rightFirst = right[0];
  const leftLast = left.at(-1);
  const rightLast = right.at(-1);
  if (leftFirst === undefined || rightFirst === undefined) {
    if (leftLast === undefined && rightLast === undefined) return { kind: 'waiting' };
    return {
      kind: 'catching-up',
      behind: leftLast === undefined ? 'left' : 'right',
      count: Math.max(left.length, right.length),
    };
  }
  if (leftLast === undefined || rightLast === undefined) return { kind: 'waiting' };

  const from = Math.max(leftFirst.seq, rightFirst.seq);
  const to = Math.min(leftLast.seq, rightLast.seq);
  const bySeq = new Map(right.map((message) => [message.seq, message]));
  let compared = 0;
  for (const message of left) {
    if (message.seq < from || message.seq > to) continue;
    const other = bySeq.get(message.seq);
    // Both streams are gap-free here, so `other` exists; the guard is for the type checker.
    if (other === undefined || !isSameMessage(message, other)) {
      return { kind: 'differ', seq: message.seq, reason: 'mismatch', side: null };
    }
    compared += 1;
  }
  if (leftLast.seq !== rightLast.seq) {
    return {
      kind: 'catching-up',
      behind: leftLast.seq < rightLast.seq ? 'left' : 'right',
      count: compared,
    };
  }
  return { kind: 'identical', count: compared, firstSeq: from, lastSeq: to };
}
