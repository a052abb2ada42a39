import { useId } from 'react';
import type { ChatConnection, ConnectionSnapshot } from '../lib/chat-connection.js';
import { Composer } from './Composer.js';
import { ConnectionStatus } from './ConnectionStatus.js';
import { ErrorBanner } from './ErrorBanner.js';
import { MessageList } from './MessageList.js';
import { PathIndicator } from './PathIndicator.js';

/** One side of the compare view: a member of the room on one path, with its own stream. */
export function ComparePane({
  title,
  side,
  clientId,
  nick,
  connection,
  snapshot,
}: {
  readonly title: string;
  readonly side: 'left' | 'right';
  readonly clientId: string;
  readonly nick: string;
  readonly connection: ChatConnection | null;
  readonly snapshot: ConnectionSnapshot | null;
}) {
  const headingId = useId();
  return (
    <section
      className={`panel compare-pane compare-pane--${side}`}
      aria-labelledby={headingId}
      data-testid={`pane-${side}`}
    >
      <header className="compare-pane-header">
        <h2 id={headingId}>{title}</h2>
        {snapshot !== null ? (
          <>
            <ConnectionStatus snapshot={snapshot} onRetry={() => connection?.retryNow()} />
            <PathIndicator snapshot={snapshot} label="This pane:" />
          </>
        ) : null}
      </header>
      {snapshot !== null ? <ErrorBanner snapshot={snapshot} /> : null}
      {snapshot !== null ? (
        <MessageList
          chat={snapshot.chat}
          clientId={clientId}
          nick={nick}
          label={`${title} stream`}
        />
      ) : null}
      <Composer label={`Send as ${nick} over ${title}`} onSend={(text) => connection?.say(text)} />
    </section>
  );
}
