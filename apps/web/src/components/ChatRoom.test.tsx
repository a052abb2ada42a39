import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DIRECT_PATH } from '../lib/chat-path.js';
import {
  createChatMessage,
  createMember,
  createPresence,
  createWelcome,
} from '../test/fixtures.js';
import { renderWithFakes } from '../test/render-with-fakes.js';
import { ChatRoom } from './ChatRoom.js';

const CLIENT = 'tab-client';
const relayAnn = createMember({
  id: 'member-9',
  protocol: 'hixie-76',
  engine: 'faye-websocket',
  relay: true,
});

function renderRoom(onPathChange = vi.fn()) {
  const rendered = renderWithFakes(
    <ChatRoom
      session={{ nick: 'ann', room: 'lobby' }}
      clientId={CLIENT}
      initialPath={DIRECT_PATH}
      onPathChange={onPathChange}
      onLeave={() => {}}
    />,
  );
  const serve = (message: object) => act(() => rendered.fake.latest().receive(message));
  const open = () => act(() => rendered.fake.latest().open());
  return { ...rendered, serve, open, onPathChange };
}

function sentTypes(sent: unknown[]): string[] {
  return sent.map((message) => (message as { type: string }).type);
}

/** Types `text` in the room's composer and submits it; returns the composer's input. */
function submitInComposer(text: string): HTMLInputElement {
  const input = screen.getByLabelText<HTMLInputElement>('Message to #lobby');
  fireEvent.change(input, { target: { value: text } });
  fireEvent.submit(input);
  return input;
}

describe('ChatRoom', () => {
  afterEach(cleanup);

  it('shows a loading state, then the history with seq, sender and path badges', () => {
    const { serve, open } = renderRoom();
    expect(screen.getByText('Joining the room…')).toBeTruthy();
    open();
    serve(
      createWelcome([
        createChatMessage(1, { text: 'from six-four-five-five' }),
        createChatMessage(2, {
          text: 'from the relay',
          from: createMember({
            id: 'm3',
            nick: 'cy',
            protocol: 'hixie-76',
            engine: 'faye-websocket',
            relay: true,
          }),
        }),
      ]),
    );
    const messages = screen.getAllByTestId('message');
    expect(messages.map((m) => m.dataset.seq)).toEqual(['1', '2']);
    expect(within(messages[0] as HTMLElement).getByTestId('badge').textContent).toBe(
      'RFC 6455 · websocket',
    );
    expect(within(messages[1] as HTMLElement).getByTestId('badge').textContent).toBe(
      'draft-76 · faye-websocket · relay',
    );
    expect(within(messages[1] as HTMLElement).getByText('#2')).toBeTruthy();
  });

  it('shows an empty state once joined to a quiet room', () => {
    const { serve, open } = renderRoom();
    open();
    serve(createWelcome());
    expect(screen.getByText('No messages yet. Say hello!')).toBeTruthy();
    expect(screen.getByRole('status', { name: '' }).textContent).toContain('Live');
  });

  it('renders markup in a message as text', () => {
    const { serve, open, container } = renderRoom();
    open();
    const text = '<script>window.pwned = 1</script><b>bold</b>';
    serve(createWelcome([createChatMessage(1, { text })]));
    expect(screen.getByTestId('message-text').textContent).toBe(text);
    expect(container.querySelector('.message-text script, .message-text b')).toBeNull();
  });

  it('sends on Enter, marks the message pending and clears the mark on the echo', () => {
    const { serve, open, fake } = renderRoom();
    open();
    serve(createWelcome());
    const input = submitInComposer('hello room');
    const say = fake.latest().sent.at(-1) as { type: string; id: string; text: string };
    expect(say).toMatchObject({ type: 'say', text: 'hello room' });
    expect(screen.getByTestId('pending').textContent).toContain('hello room');
    expect(input.value).toBe('');
    serve(createChatMessage(1, { id: say.id, client: CLIENT, text: 'hello room' }));
    expect(screen.queryByTestId('pending')).toBeNull();
    expect(screen.getByTestId('message').dataset.id).toBe(say.id);
  });

  it('does not send blank text', () => {
    const { serve, open, fake } = renderRoom();
    open();
    serve(createWelcome());
    submitInComposer('   ');
    expect(sentTypes(fake.latest().sent)).toEqual(['join']);
  });

  it('moves to the relay when the toggle is switched on, and says so in the header', () => {
    const { serve, open, fake, onPathChange } = renderRoom();
    open();
    serve(createWelcome([createChatMessage(1)]));
    expect(screen.getByTestId('path-indicator').textContent).toContain('RFC 6455 · websocket');
    fireEvent.click(screen.getByRole('switch', { name: 'Force legacy draft' }));
    expect(fake.latest().url).toBe('ws://chat.test/relay?protocol=hixie-76&trace=1');
    expect(onPathChange).toHaveBeenCalledWith({ kind: 'relay', protocol: 'hixie-76', trace: true });
    expect(screen.getByTestId('path-indicator').textContent).toContain(
      'draft-76 · /relay (pending)',
    );
    open();
    expect(fake.latest().sent[0]).toMatchObject({ type: 'join', since: 1 });
    serve(createWelcome([], { seq: 1, self: relayAnn, members: [relayAnn] }));
    expect(screen.getByTestId('path-indicator').textContent).toContain(
      'draft-76 · faye-websocket · relay',
    );
    expect(screen.getAllByTestId('message')).toHaveLength(1);
  });

  it('switches draft while on the relay and back to /ws when the toggle goes off', () => {
    const { open, fake } = renderRoom();
    open();
    fireEvent.click(screen.getByRole('switch', { name: 'Force legacy draft' }));
    fireEvent.change(screen.getByLabelText('Draft'), { target: { value: '75' } });
    expect(fake.latest().url).toBe('ws://chat.test/relay?protocol=hixie-75&trace=1');
    fireEvent.click(screen.getByRole('switch', { name: 'Force legacy draft' }));
    expect(fake.sockets.map((socket) => socket.url)).toEqual([
      'ws://chat.test/ws',
      'ws://chat.test/relay?protocol=hixie-76&trace=1',
      'ws://chat.test/relay?protocol=hixie-75&trace=1',
      'ws://chat.test/ws',
    ]);
    expect(fake.sockets.slice(0, 3).every((socket) => socket.closed)).toBe(true);
  });

  it('lists members with badges and follows presence', () => {
    const { serve, open } = renderRoom();
    open();
    serve(createWelcome());
    serve(
      createPresence(
        'join',
        createMember({ id: 'b', nick: 'bob', protocol: 'hixie-75', engine: 'faye-websocket' }),
      ),
    );
    const members = screen.getAllByTestId('member');
    expect(members.map((m) => m.textContent)).toEqual([
      'ann (you)RFC 6455 · websocket',
      'bobdraft-75 · faye-websocket',
    ]);
    expect(screen.getByTestId('notice').textContent).toContain('bob joined');
  });

  it('tells apart members who share a nick, in the list and on their messages', () => {
    const { serve, open } = renderRoom();
    open();
    const self = createMember({ id: 'aaaa1111-self' });
    const twin = createMember({
      id: 'bbbb2222-twin',
      protocol: 'hixie-76',
      engine: 'faye-websocket',
    });
    serve(createWelcome([createChatMessage(1, { from: twin })], { self, members: [self, twin] }));
    const members = screen.getAllByTestId('member');
    expect(members.map((m) => m.textContent)).toEqual([
      'annaaaa (you)RFC 6455 · websocket',
      'annbbbbdraft-76 · faye-websocket',
    ]);
    expect(within(screen.getByTestId('message')).getByTestId('nick-tag').textContent).toBe('bbbb');
    serve(createPresence('leave', twin));
    expect(screen.queryAllByTestId('nick-tag')).toHaveLength(0);
  });

  it('shows the relay wire bytes next to the RFC 6455 frame, masked for a client frame', () => {
    const { serve, open } = renderRoom();
    open();
    fireEvent.click(screen.getByRole('switch', { name: 'Force legacy draft' }));
    open();
    const say = JSON.stringify({ type: 'say', id: 'x', text: 'hi' });
    const pong = JSON.stringify({ type: 'message', text: 'hi' });
    serve({ type: 'wire', dir: 'in', protocol: 'hixie-76', bytes: btoa(`\u0000${pong}\u00ff`) });
    serve({ type: 'wire', dir: 'out', protocol: 'hixie-76', bytes: btoa(`\u0000${say}\u00ff`) });
    const [client, server] = screen.getAllByTestId('wire-frame') as [HTMLElement, HTMLElement];
    const bytesOf = (frame: HTMLElement, testId: string) =>
      within(within(frame).getByTestId(testId))
        .getAllByTestId('segment-bytes')
        .map((segment) => segment.textContent ?? '');
    const hixie = bytesOf(client, 'hixie-bytes');
    expect(hixie[0]).toBe('00');
    expect(hixie.at(-1)).toBe('FF');

    // relay -> server: a client's frame, MASK=1 and a 4-byte key over the payload (RFC 6455 §5.3).
    const [first, second, key, masked] = bytesOf(client, 'rfc6455-bytes') as string[];
    expect(first).toBe('81');
    expect(second).toBe((0x80 | say.length).toString(16).toUpperCase());
    const keyBytes = (key ?? '').split(' ').map((hex) => Number.parseInt(hex, 16));
    expect(keyBytes).toHaveLength(4);
    const unmasked = (masked ?? '')
      .split(' … ')[0]
      ?.split(' ')
      .map((hex, i) => Number.parseInt(hex, 16) ^ (keyBytes[i % 4] ?? 0));
    expect(String.fromCharCode(...(unmasked ?? []))).toBe(say.slice(0, unmasked?.length));
    expect(within(client).getByText(`MASK=1, length ${say.length}`)).toBeTruthy();

    // server -> relay: a server's frame, unmasked.
    expect(bytesOf(server, 'rfc6455-bytes').slice(0, 2)).toEqual([
      '81',
      pong.length.toString(16).toUpperCase(),
    ]);
    expect(within(server).getByText(`MASK=0, length ${pong.length}`)).toBeTruthy();
    expect(screen.getByTestId('masking-note').textContent).toContain('§5.3');
  });

  it('shows a server error and a refused join as offline', () => {
    const { serve, open } = renderRoom();
    open();
    serve({ type: 'error', code: 'invalid_nick', message: 'A nick is 1 to 24 characters.' });
    expect(screen.getByRole('alert').textContent).toContain('invalid_nick');
    expect(screen.getByText(/Offline: the server refused to join/)).toBeTruthy();
  });
});
