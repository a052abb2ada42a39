import { useCountdown } from '../hooks/use-countdown.js';
import type { ConnectionSnapshot, OfflineReason } from '../lib/chat-connection.js';
import { STATUS_LABELS } from '../lib/labels.js';

const OFFLINE_REASONS: Readonly<Record<OfflineReason, string>> = {
  network: 'the browser has no network; reconnecting when it returns',
  rejected: 'the server refused to join',
  stopped: 'closed',
};

/** The connection state in words, with the reconnect countdown and a way to skip it. */
export function ConnectionStatus({
  snapshot,
  onRetry,
}: {
  readonly snapshot: ConnectionSnapshot;
  readonly onRetry: () => void;
}) {
  const seconds = useCountdown(snapshot.status === 'reconnecting' ? snapshot.retryAt : null);
  let detail = '';
  if (snapshot.status === 'reconnecting') {
    detail = ` in ${seconds ?? 0} s (attempt ${snapshot.attempt})`;
  } else if (snapshot.status === 'offline' && snapshot.offlineReason !== null) {
    detail = `: ${OFFLINE_REASONS[snapshot.offlineReason]}`;
  } else if (snapshot.status === 'connecting') {
    detail = '…';
  }
  return (
    <div className={`status status--${snapshot.status}`} data-status={snapshot.status}>
      <span role="status">
        <span className="status-dot" aria-hidden="true" />
        <span className="status-text">
          {STATUS_LABELS[snapshot.status]}
          {detail}
        </span>
      </span>
      {snapshot.status === 'reconnecting' ? (
        <button type="button" className="button-small" onClick={onRetry}>
          Retry now
        </button>
      ) : null}
    </div>
  );
}
