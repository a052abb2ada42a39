import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ConnectionSnapshot, createInitialSnapshot } from '../lib/chat-connection.js';
import { DIRECT_PATH } from '../lib/chat-path.js';
import { ConnectionStatus } from './ConnectionStatus.js';

function createSnapshot(patch: Partial<ConnectionSnapshot>): ConnectionSnapshot {
  return { ...createInitialSnapshot(DIRECT_PATH), status: 'live', ...patch };
}

describe('ConnectionStatus', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('counts down to the next attempt and offers to retry now', () => {
    const onRetry = vi.fn();
    const snapshot = createSnapshot({
      status: 'reconnecting',
      attempt: 3,
      retryAt: Date.now() + 4000,
    });
    render(<ConnectionStatus snapshot={snapshot} onRetry={onRetry} />);
    expect(screen.getByRole('status').textContent).toBe('Reconnecting in 4 s (attempt 3)');
    act(() => void vi.advanceTimersByTime(1500));
    expect(screen.getByRole('status').textContent).toBe('Reconnecting in 3 s (attempt 3)');
    fireEvent.click(screen.getByRole('button', { name: 'Retry now' }));
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it('names the state and why it is offline', () => {
    const { rerender } = render(
      <ConnectionStatus snapshot={createSnapshot({})} onRetry={() => {}} />,
    );
    expect(screen.getByRole('status').textContent).toBe('Live');
    rerender(
      <ConnectionStatus
        snapshot={createSnapshot({ status: 'offline', offlineReason: 'network' })}
        onRetry={() => {}}
      />,
    );
    expect(screen.getByRole('status').textContent).toContain('Offline: the browser has no network');
    expect(screen.queryByRole('button')).toBeNull();
  });
});
