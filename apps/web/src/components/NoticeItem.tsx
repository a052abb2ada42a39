import type { Notice } from '../lib/chat-state.js';
import { ProtocolBadge } from './ProtocolBadge.js';

/** A line saying that someone joined or left. */
export function NoticeItem({ notice }: { readonly notice: Notice }) {
  return (
    <li className="notice" data-testid="notice">
      <span className="notice-nick">{notice.member.nick}</span>{' '}
      {notice.event === 'join' ? 'joined' : 'left'} <ProtocolBadge member={notice.member} />
    </li>
  );
}
