import type { Notice } from '../lib/chat-state.js';
import { NickTag } from './NickTag.js';
import { ProtocolBadge } from './ProtocolBadge.js';

/** A line saying that someone joined or left. */
export function NoticeItem({
  notice,
  tag,
}: {
  readonly notice: Notice;
  readonly tag: string | null;
}) {
  return (
    <li className="notice" data-testid="notice">
      <span className="notice-nick">{notice.member.nick}</span>
      <NickTag tag={tag} /> {notice.event === 'join' ? 'joined' : 'left'}{' '}
      <ProtocolBadge member={notice.member} />
    </li>
  );
}
