import { ERROR_CODES } from '@draftbridge/shared-types';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { JoinForm } from './JoinForm.js';

describe('JoinForm', () => {
  afterEach(cleanup);

  it('shows the contract rules inline and does not join', () => {
    const onJoin = vi.fn();
    render(
      <JoinForm initial={{ nick: '', room: 'Bad Room' }} submitLabel="Join" onJoin={onJoin} />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(onJoin).not.toHaveBeenCalled();
    const nick = screen.getByLabelText('Nick');
    expect(nick.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(ERROR_CODES.invalid_nick)).toBeTruthy();
    expect(screen.getByText(ERROR_CODES.invalid_room)).toBeTruthy();
  });

  it('joins with the nick trimmed and the room as typed', () => {
    const onJoin = vi.fn();
    render(<JoinForm initial={{ nick: '', room: 'lobby' }} submitLabel="Join" onJoin={onJoin} />);
    fireEvent.change(screen.getByLabelText('Nick'), { target: { value: '  ann ' } });
    fireEvent.change(screen.getByLabelText('Room'), { target: { value: 'physics' } });
    fireEvent.click(screen.getByRole('button', { name: 'Join' }));
    expect(onJoin).toHaveBeenCalledWith({ nick: 'ann', room: 'physics' });
  });
});
