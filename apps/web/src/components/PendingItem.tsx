import type { PendingMessage } from '../lib/chat-state.js';

/** A message this tab sent that the server has not echoed yet. */
export function PendingItem({
  pending,
  nick,
}: {
  readonly pending: PendingMessage;
  readonly nick: string;
}) {
  return (
    <li
      className="message message--own message--pending"
      data-testid="pending"
      data-id={pending.id}
    >
      <div className="message-meta">
        <span className="message-seq">pending</span>
        <span className="message-nick">{nick}</span>
        <span className="pending-note">not acknowledged yet, will be resent with the same id</span>
      </div>
      <p className="message-text">{pending.text}</p>
    </li>
  );
}
