/**
 * Builders for server messages in tests, valid against the contract's schemas.
 */
import type {
  ChatMessage,
  Member,
  PresenceMessage,
  WelcomeMessage,
} from '@draftbridge/shared-types';

/** A member on RFC 6455 unless overridden. */
export function createMember(overrides: Partial<Member> = {}): Member {
  return { id: 'member-1', nick: 'ann', protocol: 'rfc6455', engine: 'websocket', ...overrides };
}

/** A chat message with the given seq; id and text derive from it unless overridden. */
export function createChatMessage(seq: number, overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    type: 'message',
    room: 'lobby',
    seq,
    id: `id-${seq}`,
    client: 'other-client',
    text: `text ${seq}`,
    ts: 1_700_000_000_000 + seq,
    from: createMember({ id: 'member-2', nick: 'bob' }),
    ...overrides,
  };
}

/** A welcome for `self` with the given history. */
export function createWelcome(
  history: ChatMessage[] = [],
  overrides: Partial<WelcomeMessage> = {},
): WelcomeMessage {
  const self = createMember();
  return {
    type: 'welcome',
    room: 'lobby',
    self,
    members: [self],
    history,
    seq: history.at(-1)?.seq ?? 0,
    ...overrides,
  };
}

/** A presence message. */
export function createPresence(event: PresenceMessage['event'], member: Member): PresenceMessage {
  return { type: 'presence', event, member };
}
