import { useMemo, useState } from 'react';
import { useChatConnection } from '../hooks/use-chat-connection.js';
import { useMediaQuery } from '../hooks/use-media-query.js';
import { type ChatPath, draftOfPath, type LegacyDraft } from '../lib/chat-path.js';
import { CHAT_SIDE_PANEL_MEDIA } from '../lib/constants.js';
import type { Preferences } from '../lib/storage.js';
import { AppHeader } from './AppHeader.js';
import { Composer } from './Composer.js';
import { ConnectionStatus } from './ConnectionStatus.js';
import { ErrorBanner } from './ErrorBanner.js';
import { LegacyToggle } from './LegacyToggle.js';
import { MemberList } from './MemberList.js';
import { MessageList } from './MessageList.js';
import { PathIndicator } from './PathIndicator.js';
import { ToolPanel } from './ToolPanel.js';
import { WireInspector } from './WireInspector.js';

/**
 * The chat of one room, filling the window: the header with path, state and toggle on top, the
 * stream scrolling between it and the composer, members and wire bytes beside or in a drawer.
 */
export function ChatRoom({
  session,
  clientId,
  initialPath,
  onPathChange,
  onLeave,
}: {
  readonly session: Preferences;
  readonly clientId: string;
  readonly initialPath: ChatPath;
  readonly onPathChange: (path: ChatPath) => void;
  readonly onLeave: () => void;
}) {
  const [path, setPath] = useState(initialPath);
  const [draft, setDraft] = useState<LegacyDraft>(draftOfPath(initialPath) ?? '76');
  const { connection, snapshot } = useChatConnection({ ...session, clientId, path });

  const beside = useMediaQuery(CHAT_SIDE_PANEL_MEDIA);
  const selfId = snapshot?.chat.self?.id ?? null;
  const marks = useMemo(() => new Map(selfId === null ? [] : [[selfId, 'you']]), [selfId]);
  const members = snapshot?.chat.members ?? [];
  const onRelay = path.kind === 'relay' && snapshot !== null;

  const changePath = (next: ChatPath, nextDraft: LegacyDraft) => {
    setPath(next);
    setDraft(nextDraft);
    onPathChange(next);
  };

  const roomLine = (
    <div className="header-room">
      <p className="room-name">
        Room <strong>#{session.room}</strong> as <strong>{session.nick}</strong>
      </p>
      <button type="button" className="button-secondary button-small" onClick={onLeave}>
        Leave room
      </button>
    </div>
  );
  // Beside the stream on a wide screen, after it in reading and tab order; on a narrow one a
  // drawer above it that also holds the room line, so the header keeps to path and toggle.
  const tools = (
    <ToolPanel
      beside={beside}
      label="Room, members and wire bytes"
      summary={`Members (${members.length})${onRelay ? ' · wire bytes' : ''} · #${session.room}`}
    >
      {beside ? null : roomLine}
      <MemberList members={members} marks={marks} />
      {onRelay ? <WireInspector wire={snapshot.wire} limit={3} /> : null}
    </ToolPanel>
  );

  return (
    <>
      <AppHeader view="chat">
        {beside ? roomLine : null}
        {snapshot !== null ? (
          <div className="header-path">
            <PathIndicator snapshot={snapshot} label="This tab:" />
            <ConnectionStatus snapshot={snapshot} onRetry={() => connection?.retryNow()} />
          </div>
        ) : null}
        <LegacyToggle path={path} draft={draft} onChange={changePath} />
      </AppHeader>
      <main className={beside ? 'chat-layout chat-layout--beside' : 'chat-layout'}>
        {beside ? null : tools}
        <section className="panel chat-panel" aria-label={`Room ${session.room}`}>
          {snapshot !== null ? <ErrorBanner snapshot={snapshot} /> : null}
          {snapshot !== null ? (
            <MessageList
              chat={snapshot.chat}
              clientId={clientId}
              nick={session.nick}
              label={`Messages in ${session.room}`}
            />
          ) : null}
          <Composer
            label={`Message to #${session.room}`}
            onSend={(text) => connection?.say(text)}
          />
        </section>
        {beside ? tools : null}
      </main>
    </>
  );
}
