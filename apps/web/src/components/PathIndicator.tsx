import type { ConnectionSnapshot } from '../lib/chat-connection.js';
import { formatMemberPath, formatPathIntent } from '../lib/labels.js';

/** Which path this tab is on: as the server confirmed it when live, else where it is heading. */
export function PathIndicator({ snapshot }: { readonly snapshot: ConnectionSnapshot }) {
  const self = snapshot.chat.self;
  const confirmed = snapshot.status === 'live' && self !== null;
  const relay = snapshot.path.kind === 'relay';
  return (
    <p className="path-indicator" data-testid="path-indicator">
      <span className="path-indicator-label">This tab:</span>{' '}
      <span className={relay ? 'badge badge--legacy-path' : 'badge badge--modern-path'}>
        {confirmed ? formatMemberPath(self) : `${formatPathIntent(snapshot.path)} (pending)`}
      </span>
    </p>
  );
}
