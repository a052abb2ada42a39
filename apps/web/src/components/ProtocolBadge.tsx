import type { Member } from '@draftbridge/shared-types';
import { formatMemberPath } from '../lib/labels.js';

/** A badge naming the protocol, engine and relay that carry a member. */
export function ProtocolBadge({ member }: { readonly member: Member }) {
  return (
    <span className={`badge badge--${member.protocol}`} data-testid="badge">
      {formatMemberPath(member)}
    </span>
  );
}
