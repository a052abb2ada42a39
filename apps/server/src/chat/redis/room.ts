/**
 * One room as one instance of the Redis hub sees it: its local members, and the ordered
 * pipeline that turns the room's publications into deliveries (hub.ts, "Ordering rules").
 *
 * Everything that delivers goes through one queue per room: a join's snapshot, each
 * publication, gap filling, duplicate answers. So:
 * - `delivered` is the highest seq handed to the local members, and they receive every seq up
 *   to it exactly once and in order. A publication past `delivered + 1` means publications
 *   were missed (a Redis reconnect drops what was published meanwhile), and the gap is read
 *   from the room's history before the publication is delivered. A message that cannot be
 *   read now is left for the catch-up that the heartbeat and every reconnect run.
 * - A join runs its script from the queue, after everything up to `delivered` was delivered,
 *   so the snapshot's seq is at least `delivered`; the joiner gets the welcome first and then
 *   only messages after the snapshot (its `cursor`). The same holds for presence, ordered by
 *   the room's presence counter, so a joiner never hears of a change its welcome already shows.
 *
 * Publications are taken in batches: all those that arrived before the queue gets to them (one
 * read of the subscriber's socket brings many) are one task, and each run of consecutive
 * messages among them goes to a member as one batch (`deliverBatch`, its frames shared): a
 * burst of M messages to N members is N deliveries, not M x N. A member whose cursor is inside
 * the run (its snapshot was taken while the run was on its way) gets the part after its
 * cursor, and members with the same cursor share that part.
 */
import { PreparedBatch, PreparedMessage } from '@draftbridge/protocol-router';
import type { Logger } from '../../logger.js';
import { type DeliveryKind, HubRefusal, type RoomMember } from '../hub.js';
import { deliverPresence, PresenceBatch } from '../presence-batch.js';
import { serializeHistoryPage, serializePresence, serializeWelcome } from '../serialize.js';
import type { Publication } from './codec.js';
import type { RoomKeys } from './keys.js';
import type { RedisStore, StoredMessage } from './store.js';

/** What a room needs from its hub. */
export interface RedisRoomContext {
  readonly name: string;
  readonly keys: RoomKeys;
  readonly store: RedisStore;
  readonly welcomeHistory: number;
  /** Most bytes of history in one welcome or history page. */
  readonly historyPageBytes: number;
  /** How long presence changes wait to go out together, in ms. */
  readonly presenceWindowMs: number;
  readonly onDeliverError: ((error: unknown, member: RoomMember) => void) | undefined;
  readonly logger: Logger;
  /** Subscribes to the room's channel; resolves once Redis confirmed the subscription. */
  readonly subscribe: () => Promise<void>;
  /** Called from the queue once the room has no member and no join pending. */
  readonly onEmpty: () => Promise<void>;
}

/** One room of this instance. */
export interface RedisRoom {
  readonly keys: RoomKeys;
  /** The highest seq delivered to this instance's members; undefined before the first welcome. */
  readonly delivered: number | undefined;
  /** Ids of this instance's members, for the heartbeat. */
  memberIds(): string[];
  /** Whether `member` has joined here. */
  has(member: RoomMember): boolean;
  /** Adds `member`: subscribes if needed, runs the join script, delivers the welcome. */
  join(member: RoomMember, since: number | undefined): Promise<void>;
  /** Delivers to `member` one page of the history before `before`. */
  history(member: RoomMember, before: number): Promise<void>;
  /** Removes `member` locally at once; false when it was not here. */
  leave(member: RoomMember): boolean;
  /** Gives the room back to the hub if nobody is left in it. */
  releaseIfEmpty(): void;
  /** Answers a duplicate `say` with the original message, in order with the live stream. */
  answerDuplicate(member: RoomMember, seq: number, text: string): Promise<void>;
  /** Takes one publication of the room's channel. */
  receive(publication: Publication): void;
  /** Delivers whatever history holds after `delivered` (after a reconnect or a lost publication). */
  catchUp(): void;
  /** Puts a live member that Redis no longer lists (it was reaped) back into presence. */
  rejoin(memberId: string): void;
}

interface LocalMember {
  readonly roomMember: RoomMember;
  /** The last seq this member received, in its welcome or live. */
  cursor: number;
  /** The last presence change this member knows of. */
  presenceCursor: number;
}

/** Creates an empty room; the first join subscribes it. */
export function createRedisRoom(context: RedisRoomContext): RedisRoom {
  const { keys, store, logger } = context;
  const members = new Map<RoomMember, LocalMember>();
  const byId = new Map<string, LocalMember>();
  let delivered: number | undefined;
  let subscribed = false;
  let pendingJoins = 0;
  let released = false;
  let queue: Promise<void> = Promise.resolve();
  const presence = new PresenceBatch(context.presenceWindowMs, () => flushPresence());
  // Publications not yet taken by the queue, and whether a task to take them is queued.
  let inbox: Publication[] = [];
  let inboxQueued = false;

  function enqueue<T>(task: () => T | Promise<T>): Promise<T> {
    const result = queue.then(task);
    queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  // Fire-and-forget work still runs in order; its failure is logged, never thrown at anyone.
  function enqueueLogged(what: string, task: () => void | Promise<void>) {
    enqueue(task).catch((error: unknown) => {
      logger.warn({ err: error, room: context.name }, `redis hub: ${what} failed`);
    });
  }

  function deliverTo(member: RoomMember, kind: DeliveryKind, message: PreparedMessage) {
    try {
      member.deliver({ kind, message });
    } catch (error) {
      context.onDeliverError?.(error, member);
    }
  }

  // Only for members that take batches (`deliverBatch`); the others get `deliverTo`.
  function deliverBatchTo(member: RoomMember, batch: PreparedBatch) {
    try {
      member.deliverBatch?.(batch);
    } catch (error) {
      context.onDeliverError?.(error, member);
    }
  }

  /** Delivers `run`, messages of consecutive seqs right after `delivered`, to every member. */
  function deliverRun(run: readonly StoredMessage[]) {
    const first = run[0]?.seq;
    const last = run.at(-1)?.seq;
    if (first === undefined || last === undefined) return;
    // Whoever joined before these messages is heard of before them (presence-batch.ts).
    if (presence.size > 0) flushPresence();
    const messages = run.map((message) => new PreparedMessage(message.text));
    // The part of the run after each cursor met, made once for all the members at it.
    const parts = new Map<number, PreparedBatch>();
    for (const local of members.values()) {
      if (local.cursor >= last) continue;
      const from = Math.max(0, local.cursor - first + 1);
      local.cursor = last;
      const member = local.roomMember;
      if (member.deliverBatch === undefined) {
        for (let i = from; i < messages.length; i += 1) {
          deliverTo(member, 'message', messages[i] as PreparedMessage);
        }
        continue;
      }
      let part = parts.get(from);
      if (part === undefined) {
        part = new PreparedBatch(from === 0 ? messages : messages.slice(from));
        parts.set(from, part);
      }
      deliverBatchTo(member, part);
    }
    delivered = last;
  }

  function flushPresence() {
    const pending = presence.take();
    deliverPresence(
      pending,
      members.values(),
      (local) => ({ known: local.presenceCursor, selfId: local.roomMember.member.id }),
      (local, change) => deliverTo(local.roomMember, 'presence', change.message),
    );
    const last = pending.at(-1)?.order;
    if (last === undefined) return;
    for (const local of members.values()) {
      if (local.presenceCursor < last) local.presenceCursor = last;
    }
  }

  /** Delivers retained messages after `delivered` and up to `upTo` (everything when absent). */
  async function fill(upTo?: number) {
    const from = delivered;
    if (from === undefined) return;
    const messages = await store.range(keys, from, upTo);
    let run: StoredMessage[] = [];
    let last = delivered ?? 0;
    for (const message of messages) {
      if (message.seq <= last) continue;
      if (message.seq !== last + 1) {
        // More messages went by while this instance was cut off than the room retains.
        logger.warn(
          { room: context.name, from: last + 1, to: message.seq - 1 },
          'redis hub: messages expired from history before they could be delivered',
        );
        deliverRun(run);
        run = [];
      }
      run.push(message);
      last = message.seq;
    }
    deliverRun(run);
  }

  /** Takes every publication that arrived since the last time, in the order they came. */
  async function takeInbox() {
    inboxQueued = false;
    const publications = inbox;
    inbox = [];
    let run: StoredMessage[] = [];
    for (const publication of publications) {
      if (publication.kind === 'presence') {
        deliverRun(run);
        run = [];
        onPresence(publication.presenceSeq, publication.memberId, publication.text);
        continue;
      }
      const { seq } = publication;
      const last = run.at(-1)?.seq ?? delivered;
      if (last === undefined || seq <= last) continue;
      if (seq > last + 1) {
        deliverRun(run);
        run = [];
        await fill(seq - 1);
        // What history could not give is left for the catch-up, as a gap in the stream.
        if (delivered === undefined || seq !== delivered + 1) continue;
      }
      run.push(publication);
    }
    deliverRun(run);
  }

  function onPresence(presenceSeq: number, memberId: string, text: string) {
    presence.add({
      // serializePresence puts the event right after the type.
      event: text.startsWith('{"type":"presence","event":"join"') ? 'join' : 'leave',
      memberId,
      message: new PreparedMessage(text),
      order: presenceSeq,
    });
  }

  function releaseIfEmpty() {
    if (members.size > 0 || pendingJoins > 0 || released) return;
    enqueueLogged('release', async () => {
      if (members.size > 0 || pendingJoins > 0 || released) return;
      released = true;
      await context.onEmpty();
    });
  }

  return {
    keys,
    get delivered() {
      return delivered;
    },
    memberIds: () => [...byId.keys()],
    has: (member) => members.has(member),

    async join(member, since) {
      pendingJoins += 1;
      try {
        await enqueue(async () => {
          if (!subscribed) {
            await context.subscribe();
            subscribed = true;
          }
          const snapshot = await store.join(keys, {
            memberId: member.member.id,
            leaveText: serializePresence('leave', member.member),
            joinText: serializePresence('join', member.member),
            seqFloor: delivered ?? 0,
          });
          if (snapshot === undefined) {
            throw new HubRefusal('room_full', `Room ${context.name} is full.`);
          }
          delivered ??= snapshot.seq;
          const { seq } = snapshot;
          // A since beyond the room's seq comes from before Redis lost the room: reset.
          const resume = since !== undefined && since <= seq;
          const read = await store.page(keys, {
            after: resume ? since : 0,
            before: seq + 1,
            maxCount: resume ? Number.POSITIVE_INFINITY : context.welcomeHistory,
            maxBytes: context.historyPageBytes,
          });
          const oldest = read.messages[0]?.seq ?? seq + 1;
          const truncated = since !== undefined && (!resume || !read.whole || oldest > since + 1);
          const welcome = serializeWelcome(
            { room: context.name, self: member.member, seq, truncated },
            snapshot.memberJsons,
            read.messages.map((message) => message.text),
          );
          deliverTo(member, 'welcome', new PreparedMessage(welcome));
          const local: LocalMember = {
            roomMember: member,
            cursor: seq,
            presenceCursor: snapshot.presenceSeq,
          };
          members.set(member, local);
          byId.set(member.member.id, local);
        });
      } finally {
        pendingJoins -= 1;
        releaseIfEmpty();
      }
    },

    history(member, before) {
      return enqueue(async () => {
        if (!members.has(member)) return;
        const read = await store.page(keys, {
          after: 0,
          before,
          maxCount: Number.POSITIVE_INFINITY,
          maxBytes: context.historyPageBytes,
        });
        const page = serializeHistoryPage(
          context.name,
          read.messages.map((message) => message.text),
          !read.whole,
        );
        deliverTo(member, 'history', new PreparedMessage(page));
      });
    },

    leave(member) {
      const local = members.get(member);
      if (local === undefined) return false;
      members.delete(member);
      byId.delete(member.member.id);
      return true;
    },

    releaseIfEmpty,

    answerDuplicate(member, seq, text) {
      return enqueue(() => {
        const local = members.get(member);
        // A seq past the cursor is still on its way to this member, live or by catch-up.
        if (local !== undefined && seq <= local.cursor) {
          deliverTo(member, 'duplicate', new PreparedMessage(text));
        }
      });
    },

    receive(publication) {
      inbox.push(publication);
      if (inboxQueued) return;
      inboxQueued = true;
      enqueueLogged('delivery', takeInbox);
    },

    catchUp() {
      enqueueLogged('catch-up', () => fill());
    },

    rejoin(memberId) {
      enqueueLogged('rejoin', async () => {
        const local = byId.get(memberId);
        if (local === undefined) return;
        const member = local.roomMember.member;
        await store.join(keys, {
          memberId,
          leaveText: serializePresence('leave', member),
          joinText: serializePresence('join', member),
          seqFloor: delivered ?? 0,
        });
        logger.info(
          { room: context.name, member: memberId },
          'redis hub: member put back into presence',
        );
      });
    },
  };
}
