import type { Member } from '@draftbridge/shared-types';
import { useId } from 'react';
import { ProtocolBadge } from './ProtocolBadge.js';

/** Who is in the room, each with the path that carries them. */
export function MemberList({
  members,
  selfId,
}: {
  readonly members: readonly Member[];
  readonly selfId: string | null;
}) {
  const headingId = useId();
  return (
    <section className="panel member-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Members ({members.length})</h2>
      {members.length === 0 ? (
        <p className="list-state">Nobody here yet.</p>
      ) : (
        <ul className="member-list">
          {members.map((member) => (
            <li key={member.id} data-testid="member">
              <span className="member-nick">
                {member.nick}
                {member.id === selfId ? <span className="member-you"> (you)</span> : null}
              </span>
              <ProtocolBadge member={member} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
