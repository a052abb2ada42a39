import { useState } from 'react';
import { useChatConnection } from '../hooks/use-chat-connection.js';
import type { ChatPath, LegacyDraft } from '../lib/chat-path.js';
import type { Preferences } from '../lib/storage.js';
import { AppHeader } from './AppHeader.js';
import { Composer } from './Composer.js';
import { ConnectionStatus } from './ConnectionStatus.js';
import { ErrorBanner } from './ErrorBanner.js';
import { LegacyToggle } from './LegacyToggle.js';
import { MemberList } from './MemberList.js';
import { MessageList } from './MessageList.js';
import { PathIndicator } from './PathIndicator.js';
import { WireInspector } from './WireInspector.js';

/** The chat of one room: header with path and state, the stream, members, composer, wire bytes. */
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
  const [draft, setDraft] = useState<LegacyDraft>(
    initialPath.kind === 'relay' ? initialPath.draft : '76',
  );
  const { connection, snapshot } = useChatConnection({ ...session, clientId, path });

  const changePath = (next: ChatPath, nextDraft: LegacyDraft) => {
    setPath(next);
    setDraft(nextDraft);
    onPathChange(next);
  };

  return (
    <>
      <AppHeader view="chat">
        <div className="header-controls">
          <p className="room-name">
            Room <strong>#{session.room}</strong> as <strong>{session.nick}</strong>
          </p>
          {snapshot !== null ? (
            <>
              <PathIndicator snapshot={snapshot} />
              <ConnectionStatus snapshot={snapshot} onRetry={() => connection?.retryNow()} />
            </>
          ) : null}
          <LegacyToggle path={path} draft={draft} onChange={changePath} />
          <button type="button" className="button-secondary" onClick={onLeave}>
            Leave room
          </button>
        </div>
      </AppHeader>
      <main className="chat-layout">
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
        <MemberList
          members={snapshot?.chat.members ?? []}
          selfId={snapshot?.chat.self?.id ?? null}
        />
        {path.kind === 'relay' && snapshot !== null ? (
          <div className="wire-row">
            <WireInspector wire={snapshot.wire} limit={3} />
          </div>
        ) : null}
      </main>
    </>
  );
}
