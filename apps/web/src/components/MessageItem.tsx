import type { ChatMessage } from '@draftbridge/shared-types';
import { formatTime } from '../lib/labels.js';
import { ProtocolBadge } from './ProtocolBadge.js';

/** One acknowledged chat message: seq, sender, path badge, time and the text, as text. */
export function MessageItem({
  message,
  own,
}: {
  readonly message: ChatMessage;
  readonly own: boolean;
}) {
  return (
    <li
      className={own ? 'message message--own' : 'message'}
      data-testid="message"
      data-seq={message.seq}
      data-id={message.id}
    >
      <div className="message-meta">
        <span className="message-seq" title="sequence number">
          #{message.seq}
        </span>
        <span className="message-nick">{message.from.nick}</span>
        <ProtocolBadge member={message.from} />
        <time className="message-time" dateTime={new Date(message.ts).toISOString()}>
          {formatTime(message.ts)}
        </time>
      </div>
      <p className="message-text" data-testid="message-text">
        {message.text}
      </p>
    </li>
  );
}
