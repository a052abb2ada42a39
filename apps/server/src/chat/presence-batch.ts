/**
 * Presence, coalesced: a room's joins and leaves wait a short window and then go out together,
 * so that a storm of members joining and leaving a big room costs one write per member per
 * window instead of one per change, and a member that comes and goes within a window costs
 * the others nothing at all.
 *
 * Every change has an order in its room (a counter: the memory hub's, or Redis's presence
 * seq), and every member knows the order up to which its welcome was built. What a member
 * hears of a batch (`presenceFor`): the changes after that order, not its own, and not a join
 * and a leave of one member that both came after it (it never saw that member). A member whose
 * welcome showed someone who leaves later still hears the leave. So every member's list ends
 * up the same as the room's, whatever the window coalesced. Hubs deliver a room's pending
 * presence before any message of that room, so nobody reads a message from a member it has
 * not heard join.
 */
import type { PreparedMessage } from '@draftbridge/protocol-router';

/** One presence change waiting to be delivered. */
export interface PendingPresence {
  readonly event: 'join' | 'leave';
  readonly memberId: string;
  readonly message: PreparedMessage;
  /** The change's order in its room. */
  readonly order: number;
}

/** How long a room's presence changes wait to be delivered together. */
export const PRESENCE_WINDOW_MS = 100;

/** The changes of `pending` that a member who knows of everything up to `known` should hear. */
export function presenceFor(
  pending: readonly PendingPresence[],
  known: number,
  selfId: string,
): PendingPresence[] {
  const joinedAfter = new Set<string>();
  const leftAfter = new Set<string>();
  for (const change of pending) {
    if (change.order <= known) continue;
    (change.event === 'join' ? joinedAfter : leftAfter).add(change.memberId);
  }
  return pending.filter(
    (change) =>
      change.order > known &&
      change.memberId !== selfId &&
      !(joinedAfter.has(change.memberId) && leftAfter.has(change.memberId)),
  );
}

/** A room's pending presence and the timer that delivers it. */
export class PresenceBatch {
  readonly #windowMs: number;
  readonly #deliver: () => void;
  #pending: PendingPresence[] = [];
  #timer: NodeJS.Timeout | undefined;

  /** `deliver` is called when the window ends; it takes the batch with `take`. */
  constructor(windowMs: number, deliver: () => void) {
    this.#windowMs = windowMs;
    this.#deliver = deliver;
  }

  /** How many changes wait. */
  get size(): number {
    return this.#pending.length;
  }

  /** Adds a change; the window starts with the first change of a batch. */
  add(change: PendingPresence): void {
    this.#pending.push(change);
    if (this.#timer !== undefined) return;
    if (this.#windowMs <= 0) {
      this.#deliver();
      return;
    }
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#deliver();
    }, this.#windowMs);
    this.#timer.unref();
  }

  /** Takes every waiting change, oldest first, and ends the window. */
  take(): PendingPresence[] {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const pending = this.#pending;
    this.#pending = [];
    return pending;
  }
}

/**
 * Delivers a batch to members, computing each distinct view once: most members knew of
 * everything before the batch, so they share one list.
 */
export function deliverPresence<M>(
  pending: readonly PendingPresence[],
  members: Iterable<M>,
  view: (member: M) => { known: number; selfId: string },
  deliver: (member: M, change: PendingPresence) => void,
): void {
  if (pending.length === 0) return;
  const byKnown = new Map<number, PendingPresence[]>();
  for (const member of members) {
    const { known, selfId } = view(member);
    let changes = byKnown.get(known);
    if (changes === undefined) {
      changes = presenceFor(pending, known, '');
      byKnown.set(known, changes);
    }
    for (const change of changes) if (change.memberId !== selfId) deliver(member, change);
  }
}
