/**
 * The chat as this tab knows it, as immutable data and pure updates (no sockets, no timers).
 *
 * Messages are keyed by `seq`, so a message seen twice (history after a resume overlapping
 * what was already shown, or the server's answer to a resent `say`) is shown once. A `say`
 * stays pending until the server's `message` with this client's id and the same message id
 * comes back: that copy is the acknowledgement (docs/PROTOCOL.md, "Server to client").
 */
import type {
  ChatMessage,
  Member,
  PresenceMessage,
  WelcomeMessage,
} from '@draftbridge/shared-types';
import { NOTICE_LIMIT } from './constants.js';

/** A `say` sent (or waiting to be sent) and not acknowledged yet. */
export interface PendingMessage {
  readonly id: string;
  readonly text: string;
  readonly createdAt: number;
}

/** A join or leave notice, placed in the list after the message it followed. */
export interface Notice {
  readonly key: string;
  readonly event: PresenceMessage['event'];
  readonly member: Member;
  readonly afterSeq: number;
  readonly at: number;
}

/** Everything the page shows about one room. */
export interface ChatState {
  readonly self: Member | null;
  readonly members: readonly Member[];
  /** Sorted by `seq`, each `seq` once. */
  readonly messages: readonly ChatMessage[];
  /** The highest `seq` seen, or null before the first `welcome`. */
  readonly lastSeq: number | null;
  readonly pending: readonly PendingMessage[];
  readonly notices: readonly Notice[];
  /** True once a resume could not reach back to everything missed. */
  readonly truncated: boolean;
}

/** The state before the first `welcome`. */
export function createChatState(): ChatState {
  return {
    self: null,
    members: [],
    messages: [],
    lastSeq: null,
    pending: [],
    notices: [],
    truncated: false,
  };
}

function insertMessage(messages: readonly ChatMessage[], message: ChatMessage): ChatMessage[] {
  const last = messages.at(-1);
  if (last === undefined || last.seq < message.seq) return [...messages, message];
  if (messages.some((known) => known.seq === message.seq)) return messages as ChatMessage[];
  return [...messages, message].sort((a, b) => a.seq - b.seq);
}

/** Adds one `message` unless its seq is known; acknowledges the matching pending `say`. */
export function applyChatMessage(
  state: ChatState,
  message: ChatMessage,
  clientId: string,
): ChatState {
  const messages = insertMessage(state.messages, message);
  const acknowledged = message.client === clientId;
  const pending = acknowledged ? state.pending.filter((p) => p.id !== message.id) : state.pending;
  if (messages === state.messages && pending.length === state.pending.length) return state;
  return {
    ...state,
    messages,
    pending,
    lastSeq: Math.max(state.lastSeq ?? 0, message.seq),
  };
}

/** Takes a `welcome`: members and self replaced, history merged (each seq once), pending acknowledged. */
export function applyWelcome(
  state: ChatState,
  welcome: WelcomeMessage,
  clientId: string,
): ChatState {
  let next: ChatState = {
    ...state,
    self: welcome.self,
    members: welcome.members,
    truncated: state.truncated || welcome.truncated === true,
    lastSeq: Math.max(state.lastSeq ?? 0, welcome.seq),
  };
  for (const message of welcome.history) next = applyChatMessage(next, message, clientId);
  return next;
}

/** Takes a `presence`: the member list changes and a notice is added. */
export function applyPresence(state: ChatState, presence: PresenceMessage, at: number): ChatState {
  const others = state.members.filter((member) => member.id !== presence.member.id);
  const members = presence.event === 'join' ? [...others, presence.member] : others;
  const notice: Notice = {
    key: `${at}-${presence.event}-${presence.member.id}-${state.notices.length}`,
    event: presence.event,
    member: presence.member,
    afterSeq: state.lastSeq ?? 0,
    at,
  };
  return { ...state, members, notices: [...state.notices, notice].slice(-NOTICE_LIMIT) };
}

/** Adds a `say` the user wrote to the pending list. */
export function addPending(state: ChatState, pending: PendingMessage): ChatState {
  return { ...state, pending: [...state.pending, pending] };
}
