import { useId } from 'react';
import type { ChatConnection, ConnectionSnapshot } from '../lib/chat-connection.js';
import { Composer } from './Composer.js';
import { ConnectionStatus } from './ConnectionStatus.js';
import { ErrorBanner } from './ErrorBanner.js';
import { MessageList } from './MessageList.js';
import { PathIndicator } from './PathIndicator.js';

/**
 * One pane of the compare view or the lab: a member of the room on one path, with its own
 * stream and composer. `slot` names it (`left`, `hixie-76`, ...) in its class and test id.
 */
export function ComparePane({
  title,
  slot,
  clientId,
  nick,
  connection,
  snapshot,
  id,
  hidden = false,
  placeholder,
}: {
  readonly title: string;
  readonly slot: string;
  readonly clientId: string;
  readonly nick: string;
  readonly connection: ChatConnection | null;
  readonly snapshot: ConnectionSnapshot | null;
  /** The element id, for a tab that controls the pane. */
  readonly id?: string;
  /** Out of view behind its tab (the lab on a phone); still connected and counting. */
  readonly hidden?: boolean;
  /** The composer's placeholder, when the pane is too narrow for its label. */
  readonly placeholder?: string;
}) {
  const headingId = useId();
  return (
    <section
      className={`panel compare-pane compare-pane--${slot}`}
      aria-labelledby={headingId}
      data-testid={`pane-${slot}`}
      id={id}
      hidden={hidden}
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
      <Composer
        label={`Send as ${nick} over ${title}`}
        onSend={(text) => connection?.say(text)}
        {...(placeholder === undefined ? {} : { placeholder })}
      />
    </section>
  );
}
