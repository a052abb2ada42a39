import { useMemo } from 'react';
import { useChatConnection } from '../hooks/use-chat-connection.js';
import { useMediaQuery } from '../hooks/use-media-query.js';
import { createRelayPath, DIRECT_PATH } from '../lib/chat-path.js';
import { compareStreams } from '../lib/compare-streams.js';
import { COMPARE_SIDE_PANEL_MEDIA } from '../lib/constants.js';
import type { Preferences } from '../lib/storage.js';
import { ComparePane } from './ComparePane.js';
import { MemberList } from './MemberList.js';
import { type GatedViewProps, SessionGate } from './SessionGate.js';
import { StreamVerdictBanner } from './StreamVerdictBanner.js';
import { ToolPanel } from './ToolPanel.js';
import { WireInspector } from './WireInspector.js';

// Both panes are members in their own right, so each needs its own client id.
const LEFT_SUFFIX = '-rfc6455';
const RIGHT_SUFFIX = '-draft76';
const RELAY_PATH = createRelayPath('hixie-76');
const LEFT_TITLE = 'RFC 6455';
const RIGHT_TITLE = 'draft-76 via relay';
const SIDE_NAMES = { left: 'RFC 6455', right: 'draft-76' } as const;

function CompareSession({ session, clientId }: { session: Preferences; clientId: string }) {
  const leftClient = `${clientId}${LEFT_SUFFIX}`;
  const rightClient = `${clientId}${RIGHT_SUFFIX}`;
  const left = useChatConnection({ ...session, clientId: leftClient, path: DIRECT_PATH });
  const right = useChatConnection({ ...session, clientId: rightClient, path: RELAY_PATH });
  const leftMessages = left.snapshot?.chat.messages;
  const rightMessages = right.snapshot?.chat.messages;
  const verdict = useMemo(
    () => compareStreams(leftMessages ?? [], rightMessages ?? []),
    [leftMessages, rightMessages],
  );
  const beside = useMediaQuery(COMPARE_SIDE_PANEL_MEDIA);
  // Both legs are members of the room under one nick: the list says which two are this view's.
  const leftSelf = left.snapshot?.chat.self?.id ?? null;
  const rightSelf = right.snapshot?.chat.self?.id ?? null;
  const marks = useMemo(() => {
    const own = new Map<string, string>();
    if (leftSelf !== null) own.set(leftSelf, `this view, ${LEFT_TITLE} pane`);
    if (rightSelf !== null) own.set(rightSelf, 'this view, draft-76 pane');
    return own;
  }, [leftSelf, rightSelf]);
  const members = (left.snapshot ?? right.snapshot)?.chat.members ?? [];
  const panes = [
    { slot: 'left', title: LEFT_TITLE, client: leftClient, leg: left },
    { slot: 'right', title: RIGHT_TITLE, client: rightClient, leg: right },
  ] as const;
  return (
    <main className={beside ? 'compare-layout compare-layout--beside' : 'compare-layout'}>
      <div className="compare-top">
        <p className="compare-intro">
          Room <strong>#{session.room}</strong>: the same member twice, on two paths.
        </p>
        <StreamVerdictBanner verdict={verdict} names={SIDE_NAMES} />
      </div>
      <div className="compare-panes">
        {panes.map(({ slot, title, client, leg }) => (
          <ComparePane
            key={slot}
            title={title}
            slot={slot}
            clientId={client}
            nick={session.nick}
            connection={leg.connection}
            snapshot={leg.snapshot}
          />
        ))}
      </div>
      <ToolPanel
        beside={beside}
        label="Wire bytes and members"
        summary={`Wire inspector · members (${members.length}) · #${session.room}`}
      >
        {right.snapshot !== null ? <WireInspector wire={right.snapshot.wire} limit={2} /> : null}
        <MemberList members={members} marks={marks} />
      </ToolPanel>
    </main>
  );
}

/** The compare route: two members of one room side by side, RFC 6455 and draft-76, and a verdict. */
export function ComparePage({ clientId, stores }: GatedViewProps) {
  return (
    <SessionGate view="compare" stores={stores} submitLabel="Start comparing">
      {(session) => <CompareSession session={session} clientId={clientId} />}
    </SessionGate>
  );
}
