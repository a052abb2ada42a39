import type { Member } from '@draftbridge/shared-types';
import { useId, useMemo } from 'react';
import { createNickTagger } from '../lib/nick-tags.js';
import { NickTag } from './NickTag.js';
import { ProtocolBadge } from './ProtocolBadge.js';

/** Who is in the room, each with the path that carries them; `marks` names this page's own members. */
export function MemberList({
  members,
  marks,
}: {
  readonly members: readonly Member[];
  readonly marks: ReadonlyMap<string, string>;
}) {
  const headingId = useId();
  const tagOf = useMemo(() => createNickTagger(members), [members]);
  return (
    <section className="panel member-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>Members ({members.length})</h2>
      {members.length === 0 ? (
        <p className="list-state">Nobody here yet.</p>
      ) : (
        <ul className="member-list">
          {members.map((member) => {
            const mark = marks.get(member.id);
            return (
              <li key={member.id} data-testid="member" data-own={mark !== undefined}>
                <span className="member-nick">
                  {member.nick}
                  <NickTag tag={tagOf(member)} />
                  {mark !== undefined ? <span className="member-mark"> ({mark})</span> : null}
                </span>
                <ProtocolBadge member={member} />
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
