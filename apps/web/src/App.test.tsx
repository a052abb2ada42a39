import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { App } from './App.js';
import { STORAGE_KEYS } from './lib/constants.js';
import { renderWithFakes } from './test/render-with-fakes.js';

describe('App', () => {
  beforeEach(() => {
    localStorage.clear();
    sessionStorage.clear();
    window.history.replaceState(null, '', '/');
  });
  afterEach(cleanup);

  it('renders the title and the join form on the chat route', () => {
    render(<App />);
    expect(screen.getByRole('heading', { name: 'draftbridge' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Join a room' })).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Chat' }).getAttribute('aria-current')).toBe('page');
  });

  it('says on the join page what draftbridge is, with a link to the compare view', () => {
    render(<App />);
    const intro = screen.getByText(
      /draftbridge is one chat room for every generation of WebSocket/,
    );
    expect(intro.textContent).toContain('from the 2010 hixie drafts to RFC 6455');
    const link = screen.getByRole('link', { name: 'the compare view' });
    expect(intro.contains(link)).toBe(true);
    expect(link.getAttribute('href')).toBe('/?view=compare');
  });

  it('remembers nick and room and keeps a client id for the tab', () => {
    const { fake } = renderWithFakes(<App />);
    fireEvent.change(screen.getByLabelText('Nick'), { target: { value: 'ann' } });
    fireEvent.change(screen.getByLabelText('Room'), { target: { value: 'physics' } });
    fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(localStorage.getItem(STORAGE_KEYS.nick)).toBe('ann');
    expect(localStorage.getItem(STORAGE_KEYS.room)).toBe('physics');
    expect(sessionStorage.getItem(STORAGE_KEYS.clientId)).toMatch(/^web-/);
    expect(screen.getByText('#physics')).toBeTruthy();
    expect(fake.latest().url).toBe('ws://chat.test/ws');
  });

  it('shows the compare view for ?view=compare', () => {
    window.history.replaceState(null, '', '/?view=compare');
    render(<App />);
    expect(screen.getByRole('link', { name: 'Compare view' }).getAttribute('aria-current')).toBe(
      'page',
    );
    expect(screen.getByRole('button', { name: 'Start comparing' })).toBeTruthy();
  });
});
