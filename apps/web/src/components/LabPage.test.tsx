import type { HandshakeMessage } from '@draftbridge/shared-types';
import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KeyValueStore } from '../lib/storage.js';
import type { FakeSocket } from '../test/fake-socket.js';
import { createChatMessage, createWelcome } from '../test/fixtures.js';
import { renderWithFakes } from '../test/render-with-fakes.js';
import { LabPage } from './LabPage.js';

function createStore(entries: Record<string, string>): KeyValueStore {
  const values = new Map(Object.entries(entries));
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
  };
}

const PROTOCOLS = ['rfc6455', 'hybi-08', 'hybi-07', 'hixie-76', 'hixie-75'] as const;

const base64 = (text: string) => btoa(text);
const head = (lines: string[]) => base64(`${lines.join('\r\n')}\r\n\r\n`);

// draft-hixie-76's own example handshake (§1.3): its keys, key3 and answer.
const DRAFT76_EXAMPLE: HandshakeMessage = {
  type: 'handshake',
  protocol: 'hixie-76',
  request: head([
    'GET /ws HTTP/1.1',
    'Upgrade: WebSocket',
    'Connection: Upgrade',
    'Host: example.com',
    'Sec-WebSocket-Key1: 4 @1  46546xW%0l 1 5',
    'Sec-WebSocket-Key2: 12998 5 Y3 1  .P00',
  ]),
  key3: base64('^n:ds[4U'),
  response: head([
    'HTTP/1.1 101 WebSocket Protocol Handshake',
    'Upgrade: WebSocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Location: ws://example.com/ws',
  ]),
  answer: base64("8jKS'y:G*Co,Wxa-"),
};

// RFC 6455 §1.3's example key and accept, on a hybi-08 handshake.
const HYBI08_EXAMPLE: HandshakeMessage = {
  type: 'handshake',
  protocol: 'hybi-08',
  request: head([
    'GET /ws HTTP/1.1',
    'Host: example.com',
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 8',
  ]),
  response: head([
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
  ]),
};

function renderLab() {
  const stores = { local: createStore({ 'draftbridge.nick': 'ann', 'draftbridge.room': 'lobby' }) };
  const rendered = renderWithFakes(<LabPage clientId="tab" stores={stores} />);
  const sockets = Object.fromEntries(
    PROTOCOLS.map((protocol, i) => [protocol, rendered.fake.sockets[i] as FakeSocket]),
  ) as Record<(typeof PROTOCOLS)[number], FakeSocket>;
  act(() => {
    for (const socket of Object.values(sockets)) socket.open();
  });
  const inspect = (name: string) =>
    fireEvent.click(within(screen.getByTestId('inspect-tabs')).getByRole('tab', { name }));
  return { ...rendered, sockets, inspect };
}

describe('LabPage', () => {
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
  });

  it('opens five members of one room, RFC 6455 on /ws and the others on the relay, side by side', () => {
    const { sockets } = renderLab();
    expect(screen.queryByTestId('pane-tabs')).toBeNull();
    expect(PROTOCOLS.every((p) => !screen.getByTestId(`pane-${p}`).hidden)).toBe(true);
    expect(Object.values(sockets).map((socket) => socket.url)).toEqual([
      'ws://chat.test/ws',
      'ws://chat.test/relay?protocol=hybi-08&trace=1',
      'ws://chat.test/relay?protocol=hybi-07&trace=1',
      'ws://chat.test/relay?protocol=hixie-76&trace=1',
      'ws://chat.test/relay?protocol=hixie-75&trace=1',
    ]);
    for (const protocol of PROTOCOLS) {
      expect(sockets[protocol].sent[0]).toMatchObject({
        type: 'join',
        room: 'lobby',
        nick: 'ann',
        client: `tab-lab-${protocol}`,
      });
    }
  });

  it('checks all five streams: identical, then an alarm naming the one that differs', () => {
    const { sockets } = renderLab();
    const history = [createChatMessage(1), createChatMessage(2)];
    act(() => {
      for (const socket of Object.values(sockets)) socket.receive(createWelcome(history));
    });
    const verdict = screen.getByTestId('verdict');
    expect(verdict.dataset.verdict).toBe('identical');
    expect(verdict.textContent).toContain('2 messages, seq 1–2: same seq, id and text on all 5');
    act(() => {
      for (const protocol of PROTOCOLS) {
        const text = protocol === 'hixie-75' ? 'tampered' : 'text 3';
        sockets[protocol].receive(createChatMessage(3, { text }));
      }
    });
    expect(verdict.dataset.verdict).toBe('differ');
    expect(verdict.getAttribute('role')).toBe('alert');
    expect(verdict.textContent).toContain(
      'Seq 3 is not the same message on RFC 6455 and draft-75.',
    );
  });

  it('works draft-76’s own example: digits, spaces, quotients, MD5, and a check mark', () => {
    const { sockets, inspect } = renderLab();
    act(() => sockets['hixie-76'].receive(DRAFT76_EXAMPLE));
    inspect('draft-76');
    const inspector = screen.getByTestId('handshake-inspector');
    const key1 = within(inspector).getByTestId('draft76-key1');
    expect(key1.textContent).toContain('4146546015');
    expect(key1.textContent).toContain('829309203');
    expect(within(inspector).getByTestId('draft76-key2').textContent).toContain('259970620');
    expect(within(inspector).getByTestId('draft76-key3').dataset.hex).toBe(
      '5E 6E 3A 64 73 5B 34 55',
    );
    // "8jKS'y:G*Co,Wxa-" in hex.
    const answer = '38 6A 4B 53 27 79 3A 47 2A 43 6F 2C 57 78 61 2D';
    expect(within(inspector).getByTestId('draft76-answer-page').dataset.hex).toBe(answer);
    expect(within(inspector).getByTestId('draft76-answer-server').dataset.hex).toBe(answer);
    const check = within(inspector).getByTestId('handshake-check');
    expect(check.dataset.match).toBe('true');
    expect(check.textContent).toContain('✓');
  });

  it('raises an alarm when the server’s draft-76 answer is not the MD5 of the keys', () => {
    const { sockets, inspect } = renderLab();
    act(() =>
      sockets['hixie-76'].receive({ ...DRAFT76_EXAMPLE, answer: base64('0123456789abcdef') }),
    );
    inspect('draft-76');
    const check = screen.getByTestId('handshake-check');
    expect(check.dataset.match).toBe('false');
    expect(check.getAttribute('role')).toBe('alert');
  });

  it('works the hybi accept: RFC 6455 §1.3’s key gives the server’s accept', () => {
    const { sockets, inspect } = renderLab();
    act(() => sockets['hybi-08'].receive(HYBI08_EXAMPLE));
    inspect('hybi-08');
    const inspector = screen.getByTestId('handshake-inspector');
    expect(within(inspector).getByTestId('accept-page').textContent).toBe(
      's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
    );
    expect(within(inspector).getByTestId('handshake-check').dataset.match).toBe('true');
  });

  it('says the browser hides its own RFC 6455 handshake, and works the RFC’s example instead', () => {
    const { inspect } = renderLab();
    inspect('RFC 6455');
    const inspector = screen.getByTestId('handshake-inspector');
    expect(within(inspector).getByTestId('direct-handshake-note').textContent).toContain(
      'a page cannot see its bytes',
    );
    expect(within(inspector).getByTestId('accept-page').textContent).toBe(
      's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
    );
    expect(screen.getByTestId('direct-frames-note')).toBeTruthy();
  });

  it('on a narrow screen shows one pane behind each tab, all five still members', () => {
    // A phone: no media query of the lab's grid matches.
    vi.spyOn(window, 'matchMedia').mockImplementation(
      (query) =>
        ({
          matches: false,
          media: query,
          addEventListener: () => {},
          removeEventListener: () => {},
        }) as unknown as MediaQueryList,
    );
    const { fake } = renderLab();
    expect(fake.sockets).toHaveLength(5);
    const tabs = within(screen.getByTestId('pane-tabs')).getAllByRole('tab');
    expect(tabs.map((tab) => tab.textContent)).toEqual([
      'RFC 6455',
      'hybi-08',
      'hybi-07',
      'draft-76',
      'draft-75',
    ]);
    const visible = () =>
      PROTOCOLS.filter((protocol) => !screen.getByTestId(`pane-${protocol}`).hidden);
    expect(visible()).toEqual(['hixie-76']);
    fireEvent.click(tabs[1] as HTMLElement);
    expect(visible()).toEqual(['hybi-08']);
  });
});
