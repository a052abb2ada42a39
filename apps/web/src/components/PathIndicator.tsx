import type { ConnectionSnapshot } from '../lib/chat-connection.js';
import { formatMemberPath, formatPathIntent } from '../lib/labels.js';

/** Which path a connection is on: as the server confirmed it when live, else where it is heading. */
export function PathIndicator({
  snapshot,
  label,
}: {
  readonly snapshot: ConnectionSnapshot;
  /** Whose path it is: "This tab:" in the chat, "This pane:" in the compare view. */
  readonly label: string;
}) {
  const self = snapshot.chat.self;
  const confirmed = snapshot.status === 'live' && self !== null;
  const relay = snapshot.path.kind === 'relay';
  return (
    <p className="path-indicator" data-testid="path-indicator">
      <span className="path-indicator-label">{label}</span>{' '}
      <span className={relay ? 'badge badge--legacy-path' : 'badge badge--modern-path'}>
        {confirmed ? formatMemberPath(self) : `${formatPathIntent(snapshot.path)} (pending)`}
      </span>
    </p>
  );
}
