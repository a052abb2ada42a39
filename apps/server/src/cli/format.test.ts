import type { ChatMessage, Member } from '@draftbridge/shared-types';
import { describe, expect, it } from 'vitest';
import {
  formatBadge,
  formatChatMessage,
  formatMembers,
  formatPresence,
  formatServerError,
  formatTime,
  formatWelcome,
  toTerminalText,
} from './format.js';

const ann: Member = { id: 'a1', nick: 'ann', protocol: 'hixie-76', engine: 'faye-websocket' };
const bob: Member = { id: 'b1', nick: 'bob', protocol: 'rfc6455', engine: 'websocket' };
const relayed: Member = { ...ann, id: 'r1', nick: 'rae', relay: true };
const ts = new Date(2024, 0, 2, 3, 4, 5).getTime();

function message(seq: number, from: Member, text: string): ChatMessage {
  return {
    type: 'message',
    room: 'lobby',
    seq,
    id: `m${seq}`,
    client: `c-${from.id}`,
    text,
    ts,
    from,
  };
}

describe('formatBadge', () => {
  it('names the protocol with the shared label, the engine, and the relay when there is one', () => {
    expect(formatBadge(bob)).toBe('[RFC 6455 · WebSocket-Node]');
    expect(formatBadge(ann)).toBe('[draft-76 · faye-websocket]');
    expect(formatBadge(relayed)).toBe('[draft-76 · faye-websocket · relay]');
    expect(formatBadge({ ...ann, protocol: 'hixie-75' })).toBe('[draft-75 · faye-websocket]');
  });
});

describe('formatTime', () => {
  it('shows local hours, minutes and seconds with two digits each', () => {
    expect(formatTime(ts)).toBe('03:04:05');
    expect(formatTime(new Date(2024, 5, 6, 23, 59, 0).getTime())).toBe('23:59:00');
  });
});

describe('formatChatMessage', () => {
  it('shows time, seq, sender, badge and text on one line', () => {
    expect(formatChatMessage(message(7, bob, 'hello 👋 שלום 你好'))).toBe(
      '03:04:05 #7 bob [RFC 6455 · WebSocket-Node]: hello 👋 שלום 你好',
    );
  });

  it('indents the later lines of a multi-line message', () => {
    expect(formatChatMessage(message(2, ann, 'one\ntwo\n\tthree'))).toBe(
      '03:04:05 #2 ann [draft-76 · faye-websocket]: one\n    two\n    \tthree',
    );
  });

  it('makes control characters visible in text and nick', () => {
    const line = formatChatMessage(
      message(3, { ...bob, nick: 'b\u001b[2Jb' }, 'x\u001b[31my\rz\u009b\u0007'),
    );
    expect(line).toBe(
      '03:04:05 #3 b\\x1b[2Jb [RFC 6455 · WebSocket-Node]: x\\x1b[31my\\x0dz\\x9b\\x07',
    );
    expect(line).not.toMatch(/\p{Cc}/u);
  });
});

describe('toTerminalText', () => {
  it('keeps tabs, newlines and every printable character, including RTL and astral ones', () => {
    const text = 'a\tb\nc العربية 🎉 \u00a0';
    expect(toTerminalText(text)).toBe(text);
  });
});

describe('formatPresence and formatMembers', () => {
  it('says who joined or left, with their path', () => {
    expect(formatPresence({ type: 'presence', event: 'join', member: relayed })).toBe(
      '* rae [draft-76 · faye-websocket · relay] joined',
    );
    expect(formatPresence({ type: 'presence', event: 'leave', member: bob })).toBe(
      '* bob [RFC 6455 · WebSocket-Node] left',
    );
  });

  it('counts members with the right noun', () => {
    expect(formatMembers([ann])).toBe('* 1 member: ann [draft-76 · faye-websocket]');
    expect(formatMembers([ann, bob])).toBe(
      '* 2 members: ann [draft-76 · faye-websocket], bob [RFC 6455 · WebSocket-Node]',
    );
  });
});

describe('formatServerError', () => {
  it('shows the code and the message on one line', () => {
    expect(formatServerError({ type: 'error', code: 'rate_limited', message: 'slow\ndown' })).toBe(
      '! rate_limited: slow\\ndown',
    );
  });
});

describe('formatWelcome', () => {
  it('shows the history, then who you are and who is there', () => {
    expect(
      formatWelcome({
        type: 'welcome',
        room: 'lobby',
        self: ann,
        members: [bob, ann],
        history: [message(1, bob, 'hi')],
        seq: 1,
      }),
    ).toEqual([
      '03:04:05 #1 bob [RFC 6455 · WebSocket-Node]: hi',
      '* joined lobby as ann [draft-76 · faye-websocket]',
      '* 2 members: bob [RFC 6455 · WebSocket-Node], ann [draft-76 · faye-websocket]',
    ]);
  });

  it('says so first when older messages were dropped', () => {
    const lines = formatWelcome({
      type: 'welcome',
      room: 'lobby',
      self: ann,
      members: [ann],
      history: [message(1001, bob, 'late')],
      seq: 1001,
      truncated: true,
    });
    expect(lines[0]).toBe('* older messages are no longer kept by the server');
    expect(lines[1]).toContain('#1001 bob');
  });
});
