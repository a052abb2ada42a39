/**
 * A RoomMember that records what the hub delivers to it, for hub tests without sessions.
 */
import type { PreparedBatch, PreparedMessage } from '@draftbridge/protocol-router';
import type { EngineName, Member, ProtocolId } from '@draftbridge/shared-types';
import type { DeliveryKind, Hub, RoomMember } from '../hub.js';

/** A RoomMember with its deliveries recorded. */
export interface RecordingMember extends RoomMember {
  /** Every message delivered, in order. */
  readonly delivered: PreparedMessage[];
  /** The kind of every delivery, in order. */
  readonly kinds: DeliveryKind[];
  /** Every delivery, parsed. */
  readonly received: () => Record<string, unknown>[];
  /** Deliveries of one `type`, parsed. */
  readonly receivedOf: (type: string) => Record<string, unknown>[];
  /** How many messages each batch held, in order (a batching member only). */
  readonly batches: number[];
}

/** Creates a member with id `id`, nick `id` and the given client id. */
export function createRecordingMember(
  id: string,
  client = `client-${id}`,
  protocol: ProtocolId = 'rfc6455',
  engine: EngineName = 'websocket',
): RecordingMember {
  const member: Member = { id, nick: id, protocol, engine };
  const delivered: PreparedMessage[] = [];
  const kinds: DeliveryKind[] = [];
  const received = () => delivered.map((m) => JSON.parse(m.text) as Record<string, unknown>);
  return {
    member,
    client,
    delivered,
    kinds,
    batches: [],
    deliver: ({ kind, message }) => {
      delivered.push(message);
      kinds.push(kind);
    },
    received,
    receivedOf: (type) => received().filter((message) => message.type === type),
  };
}

/** A recording member that takes a turn's messages as batches, as a session does. */
export function createBatchingMember(id: string, client = `client-${id}`): RecordingMember {
  const member = createRecordingMember(id, client);
  return {
    ...member,
    deliverBatch(batch: PreparedBatch) {
      member.batches.push(batch.messages.length);
      for (const message of batch.messages) member.deliver({ kind: 'message', message });
    },
  };
}

/** Creates a recording member `id` and joins it to `room`, resuming after `since` when given. */
export async function joinNewMember(
  hub: Pick<Hub, 'join'>,
  id: string,
  room = 'lobby',
  since?: number,
): Promise<RecordingMember> {
  const member = createRecordingMember(id);
  await hub.join(member, room, since);
  return member;
}
