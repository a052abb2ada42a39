/**
 * The words the page puts on protocols, paths and states, so every badge reads the same:
 * "RFC 6455 · websocket", "draft-76 · faye-websocket · relay".
 */
import { type Member, PROTOCOL_LABELS } from '@draftbridge/shared-types';
import type { ConnectionStatus } from './chat-connection.js';
import { type ChatPath, protocolOfPath } from './chat-path.js';

/** The separator between the parts of a badge. */
export const BADGE_SEPARATOR = ' · ';

/** The badge of a member's path: protocol, engine and `relay` when the relay carries it. */
export function formatMemberPath(member: Member): string {
  const parts = [PROTOCOL_LABELS[member.protocol], member.engine];
  if (member.relay === true) parts.push('relay');
  return parts.join(BADGE_SEPARATOR);
}

/** What a path is before the server has confirmed it: "RFC 6455 · /ws", "draft-76 · /relay". */
export function formatPathIntent(path: ChatPath): string {
  const endpoint = path.kind === 'direct' ? '/ws' : '/relay';
  return `${PROTOCOL_LABELS[protocolOfPath(path)]}${BADGE_SEPARATOR}${endpoint}`;
}

/** A short word for each connection state. */
export const STATUS_LABELS: Readonly<Record<ConnectionStatus, string>> = {
  connecting: 'Connecting',
  live: 'Live',
  reconnecting: 'Reconnecting',
  offline: 'Offline',
};

/** A message time as hours, minutes and seconds in the reader's locale. */
export function formatTime(ts: number): string {
  return new Date(ts).toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}
