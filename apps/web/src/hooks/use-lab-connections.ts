/**
 * The lab's five connections to one room, one per generation (lib/lab-generations.ts), each a
 * member of its own with its own client id. Called once per lab; the five calls are written out
 * so that React sees the same hooks in the same order on every render.
 */
import type { ProtocolId } from '@draftbridge/shared-types';
import type { ChatConnection, ConnectionSnapshot } from '../lib/chat-connection.js';
import { LAB_GENERATIONS, labClientId } from '../lib/lab-generations.js';
import { useChatConnection } from './use-chat-connection.js';

/** One pane's connection and its latest snapshot. */
export interface LabConnection {
  readonly connection: ChatConnection | null;
  readonly snapshot: ConnectionSnapshot | null;
}

function pathOf(protocol: ProtocolId) {
  const generation = LAB_GENERATIONS.find((g) => g.protocol === protocol);
  if (generation === undefined) throw new Error(`no lab generation ${protocol}`);
  return generation.path;
}

/** Opens the five connections of a lab in `room` as `nick`. */
export function useLabConnections(
  room: string,
  nick: string,
  clientId: string,
): Readonly<Record<ProtocolId, LabConnection>> {
  const config = (protocol: ProtocolId) => ({
    room,
    nick,
    clientId: labClientId(clientId, protocol),
    path: pathOf(protocol),
  });
  const rfc6455 = useChatConnection(config('rfc6455'));
  const hybi08 = useChatConnection(config('hybi-08'));
  const hybi07 = useChatConnection(config('hybi-07'));
  const hixie76 = useChatConnection(config('hixie-76'));
  const hixie75 = useChatConnection(config('hixie-75'));
  return {
    rfc6455,
    'hybi-08': hybi08,
    'hybi-07': hybi07,
    'hixie-76': hixie76,
    'hixie-75': hixie75,
  };
}
