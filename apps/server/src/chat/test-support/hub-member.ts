/**
 * A RoomMember that records what the hub delivers to it, for hub tests without sessions.
 */
import type { EngineName, Member, ProtocolId } from '@draftbridge/shared-types';
import type { OutboundMessage, RoomMember } from '../hub.js';

/** A RoomMember with its deliveries recorded. */
export interface RecordingMember extends RoomMember {
  /** Every outbound object delivered, in order. */
  readonly delivered: OutboundMessage[];
  /** Every delivery, parsed. */
  readonly received: () => Record<string, unknown>[];
  /** Deliveries of one `type`, parsed. */
  readonly receivedOf: (type: string) => Record<string, unknown>[];
}

/** Creates a member with id `id`, nick `id` and the given client id. */
export function createRecordingMember(
  id: string,
  client = `client-${id}`,
  protocol: ProtocolId = 'rfc6455',
  engine: EngineName = 'websocket',
): RecordingMember {
  const member: Member = { id, nick: id, protocol, engine };
  const delivered: OutboundMessage[] = [];
  const received = () => delivered.map((m) => JSON.parse(m.text) as Record<string, unknown>);
  return {
    member,
    client,
    delivered,
    deliver: (message) => {
      delivered.push(message);
    },
    received,
    receivedOf: (type) => received().filter((message) => message.type === type),
  };
}
