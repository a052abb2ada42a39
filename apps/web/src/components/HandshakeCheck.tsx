/** The inspector's verdict on one handshake: its own result against what the server sent. */
export function HandshakeCheck({
  match,
  what,
}: {
  readonly match: boolean;
  /** What was compared: "answer", "Sec-WebSocket-Accept". */
  readonly what: string;
}) {
  return (
    <p
      className={
        match ? 'handshake-check handshake-check--ok' : 'handshake-check handshake-check--bad'
      }
      data-testid="handshake-check"
      data-match={match}
      role={match ? 'status' : 'alert'}
    >
      <span className="handshake-check-icon" aria-hidden="true">
        {match ? '✓' : '✗'}
      </span>{' '}
      {match
        ? `This page's ${what} equals the server's: it read the handshake.`
        : `This page's ${what} differs from the server's!`}
    </p>
  );
}
