import { act, cleanup, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { KeyValueStore } from '../lib/storage.js';
import type { FakeSocket } from '../test/fake-socket.js';
import { createChatMessage, createMember, createWelcome } from '../test/fixtures.js';
import { renderWithFakes } from '../test/render-with-fakes.js';
import { ComparePage } from './ComparePage.js';

function createStore(entries: Record<string, string>): KeyValueStore {
  const values = new Map(Object.entries(entries));
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
  };
}

const relayMember = createMember({ protocol: 'hixie-76', engine: 'faye-websocket', relay: true });

function renderCompare() {
  const stores = { local: createStore({ 'draftbridge.nick': 'ann', 'draftbridge.room': 'lobby' }) };
  const rendered = renderWithFakes(<ComparePage clientId="tab" stores={stores} />);
  const [left, right] = rendered.fake.sockets as [FakeSocket, FakeSocket];
  const both = (act_: (socket: FakeSocket) => void) =>
    act(() => {
      act_(left);
      act_(right);
    });
  return { ...rendered, left, right, both };
}

describe('ComparePage', () => {
  afterEach(cleanup);

  it('opens one member on /ws and one on the draft-76 relay, with their own client ids', () => {
    const { left, right } = renderCompare();
    expect(left.url).toBe('ws://chat.test/ws');
    expect(right.url).toBe('ws://chat.test/relay?protocol=hixie-76&trace=1');
    act(() => {
      left.open();
      right.open();
    });
    expect(left.sent[0]).toMatchObject({ type: 'join', room: 'lobby', client: 'tab-rfc6455' });
    expect(right.sent[0]).toMatchObject({ type: 'join', room: 'lobby', client: 'tab-draft76' });
  });

  it('reports identical streams when both sides saw the same messages', () => {
    const { left, right, both } = renderCompare();
    both((socket) => socket.open());
    act(() => {
      left.receive(createWelcome([createChatMessage(1), createChatMessage(2)]));
      right.receive(
        createWelcome([createChatMessage(1), createChatMessage(2)], { self: relayMember }),
      );
    });
    const verdict = screen.getByTestId('verdict');
    expect(verdict.dataset.verdict).toBe('identical');
    expect(verdict.textContent).toContain('2 messages, seq 1–2');
    expect(screen.getByTestId('pane-right').textContent).toContain(
      'draft-76 · faye-websocket · relay',
    );
  });

  it('says which side is catching up', () => {
    const { left, right, both } = renderCompare();
    both((socket) => socket.open());
    both((socket) => socket.receive(createWelcome([createChatMessage(1)])));
    act(() => left.receive(createChatMessage(2)));
    expect(screen.getByTestId('verdict').dataset.verdict).toBe('catching-up');
    act(() => right.receive(createChatMessage(2)));
    expect(screen.getByTestId('verdict').dataset.verdict).toBe('identical');
  });

  it('raises an alarm when the streams differ', () => {
    const { left, right, both } = renderCompare();
    both((socket) => socket.open());
    act(() => {
      left.receive(createWelcome([createChatMessage(1)]));
      right.receive(createWelcome([createChatMessage(1, { text: 'altered' })]));
    });
    const alarm = screen.getByRole('alert');
    expect(alarm.dataset.verdict).toBe('differ');
    expect(alarm.textContent).toContain('Seq 1 is not the same message on RFC 6455 and draft-76.');
  });

  it('labels each pane with its own path and marks its two members in the member list', () => {
    const { left, right, both } = renderCompare();
    both((socket) => socket.open());
    const leftSelf = createMember({ id: 'left-leg' });
    const rightSelf = { ...relayMember, id: 'right-leg' };
    const other = createMember({ id: 'someone-else' });
    const members = [other, leftSelf, rightSelf];
    act(() => {
      left.receive(createWelcome([], { self: leftSelf, members }));
      right.receive(createWelcome([], { self: rightSelf, members }));
    });
    for (const side of ['left', 'right']) {
      expect(screen.getByTestId(`pane-${side}`).textContent).toContain('This pane:');
      expect(screen.getByTestId(`pane-${side}`).textContent).not.toContain('This tab');
    }
    const marked = screen
      .getAllByTestId('member')
      .filter((member) => member.dataset.own === 'true')
      .map((member) => member.textContent);
    expect(marked).toEqual([
      expect.stringContaining('(this view, RFC 6455 pane)'),
      expect.stringContaining('(this view, draft-76 pane)'),
    ]);
  });

  it('asks for a nick first when none is remembered', () => {
    const rendered = renderWithFakes(
      <ComparePage clientId="tab" stores={{ local: createStore({}) }} />,
    );
    expect(screen.getByRole('button', { name: 'Start comparing' })).toBeTruthy();
    expect(rendered.fake.sockets).toHaveLength(0);
  });
});
