import type { ConnectionSnapshot } from '../lib/chat-connection.js';

/** The server's last `error`, and a count of frames that broke the contract, if any. */
export function ErrorBanner({ snapshot }: { readonly snapshot: ConnectionSnapshot }) {
  if (snapshot.error === null && snapshot.invalidFrames === 0) return null;
  return (
    <div className="error-banner" role="alert">
      {snapshot.error !== null ? (
        <p>
          <strong>Server error ({snapshot.error.code}):</strong> {snapshot.error.message}
        </p>
      ) : null}
      {snapshot.invalidFrames > 0 ? (
        <p>
          {snapshot.invalidFrames} frame(s) from the server did not match the contract and were
          ignored.
        </p>
      ) : null}
    </div>
  );
}
