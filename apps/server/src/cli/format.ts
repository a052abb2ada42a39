/**
 * How the terminal client shows what the server sends: one line per event, plain text that reads
 * the same in a terminal and in a pipe. Chat lines carry the room's `seq`, the sender, and the
 * sender's path as a badge (`[draft-76 · faye-websocket · relay]`, `[RFC 6455 · WebSocket-Node]`):
 * the protocol's label and the engine's, whose id `websocket` (the npm name, and the
 * contract's) reads as the library people know, WebSocket-Node.
 *
 * Everything shown comes from the network, so control characters are made visible: an escape
 * sequence in someone's message must not move the cursor, recolour or clear another terminal.
 */
import {
  type ChatMessage,
  ENGINE_LABELS,
  type ErrorMessage,
  type Member,
  PROTOCOL_LABELS,
  type PresenceMessage,
  type WelcomeMessage,
} from '@draftbridge/shared-types';

/** The separator between the parts of a badge. */
export const BADGE_SEPARATOR = ' · ';

/** Indentation of the second and later lines of a multi-line message. */
export const CONTINUATION_INDENT = '    ';

// Unicode "Cc" minus tab and newline: C0 (ESC, CR, BEL...), DEL and C1 (CSI...).
const UNSAFE_CONTROL = /[^\P{Cc}\t\n]/gu;

/** Shows control characters as `\xHH` so text from the network cannot drive the terminal. */
export function toTerminalText(text: string): string {
  return text.replace(
    UNSAFE_CONTROL,
    (c) => `\\x${(c.codePointAt(0) ?? 0).toString(16).padStart(2, '0')}`,
  );
}

// A name on one line: newlines and tabs become visible too.
function toTerminalName(name: string): string {
  return toTerminalText(name).replace(/\n/g, '\\n').replace(/\t/g, '\\t');
}

/** A member's path: `[RFC 6455 · WebSocket-Node]`, `[draft-76 · faye-websocket · relay]`. */
export function formatBadge(member: Member): string {
  const parts = [PROTOCOL_LABELS[member.protocol], ENGINE_LABELS[member.engine]];
  if (member.relay === true) parts.push('relay');
  return `[${parts.join(BADGE_SEPARATOR)}]`;
}

/** A member as `nick [badge]`. */
export function formatMember(member: Member): string {
  return `${toTerminalName(member.nick)} ${formatBadge(member)}`;
}

/** A time of day as `HH:MM:SS` in the local time zone, the same in every locale. */
export function formatTime(ts: number): string {
  const date = new Date(ts);
  return [date.getHours(), date.getMinutes(), date.getSeconds()]
    .map((part) => String(part).padStart(2, '0'))
    .join(':');
}

/** A chat message: `12:03:04 #7 ann [RFC 6455 · WebSocket-Node]: hello`, later lines indented. */
export function formatChatMessage(message: ChatMessage): string {
  const head = `${formatTime(message.ts)} #${message.seq} ${formatMember(message.from)}:`;
  const [first = '', ...rest] = toTerminalText(message.text).split('\n');
  return [`${head} ${first}`, ...rest.map((line) => `${CONTINUATION_INDENT}${line}`)].join('\n');
}

/** A notice from the client itself: `* text`. */
export function formatNotice(text: string): string {
  return `* ${text}`;
}

/** A problem, from the server or the client: `! text`. */
export function formatProblem(text: string): string {
  return `! ${text}`;
}

/** A member joining or leaving. */
export function formatPresence(presence: PresenceMessage): string {
  const verb = presence.event === 'join' ? 'joined' : 'left';
  return formatNotice(`${formatMember(presence.member)} ${verb}`);
}

/** The member list: `* 2 members: ann [...], bob [...]`. */
export function formatMembers(members: readonly Member[]): string {
  const noun = members.length === 1 ? 'member' : 'members';
  return formatNotice(`${members.length} ${noun}: ${members.map(formatMember).join(', ')}`);
}

/** An `error` from the server: `! rate_limited: ...`. */
export function formatServerError(error: ErrorMessage): string {
  return formatProblem(`${error.code}: ${toTerminalName(error.message)}`);
}

/** The answer to `join`: the history, a note when it was cut, who you are and who is there. */
export function formatWelcome(welcome: WelcomeMessage): string[] {
  const lines = welcome.history.map(formatChatMessage);
  if (welcome.truncated === true) {
    lines.unshift(formatNotice('older messages are no longer kept by the server'));
  }
  lines.push(
    formatNotice(`joined ${toTerminalName(welcome.room)} as ${formatMember(welcome.self)}`),
    formatMembers(welcome.members),
  );
  return lines;
}
