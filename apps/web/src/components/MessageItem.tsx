import type { ChatMessage } from '@draftbridge/shared-types';
import { formatTime } from '../lib/labels.js';
import { NickTag } from './NickTag.js';
import { ProtocolBadge } from './ProtocolBadge.js';

/** One acknowledged chat message: seq, sender (tagged if the nick is shared), path badge, time and the text, as text. */
export function MessageItem({
  message,
  own,
  tag,
}: {
  readonly message: ChatMessage;
  readonly own: boolean;
  /** Tells the sender apart from another member with the same nick, if there is one. */
  readonly tag: string | null;
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
        <NickTag tag={tag} />
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
