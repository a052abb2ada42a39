import { useState } from 'react';
import { COMPARE_VIEW, LAB_VIEW, VIEW_PARAM } from '../lib/constants.js';
import { isJoinValid, validateJoin } from '../lib/join-validation.js';
import {
  type BrowserStores,
  loadAutoJoin,
  loadChatPath,
  loadPreferences,
  type Preferences,
  saveAutoJoin,
  saveChatPath,
  savePreferences,
} from '../lib/storage.js';
import { AppHeader } from './AppHeader.js';
import { ChatRoom } from './ChatRoom.js';
import { JoinForm } from './JoinForm.js';

/** The chat route: the join form, or the room once joined (a reload of a joined tab goes straight back). */
export function ChatPage({
  clientId,
  stores,
}: {
  readonly clientId: string;
  readonly stores: BrowserStores;
}) {
  const [preferences] = useState(() => loadPreferences(stores.local));
  const [session, setSession] = useState<Preferences | null>(() =>
    loadAutoJoin(stores.tab) && isJoinValid(validateJoin(preferences.nick, preferences.room))
      ? preferences
      : null,
  );

  if (session === null) {
    return (
      <>
        <AppHeader view="chat" />
        <main className="join-layout">
          <p className="join-intro">
            draftbridge is one chat room for every generation of WebSocket, from the 2010 hixie
            drafts to RFC 6455: see two side by side in{' '}
            <a href={`/?${VIEW_PARAM}=${COMPARE_VIEW}`}>the compare view</a>, all five and their
            handshakes in <a href={`/?${VIEW_PARAM}=${LAB_VIEW}`}>the lab</a>.
          </p>
          <JoinForm
            initial={preferences}
            submitLabel="Join"
            onJoin={(joined) => {
              savePreferences(stores.local, joined);
              saveAutoJoin(stores.tab, true);
              setSession(joined);
            }}
          />
        </main>
      </>
    );
  }
  return (
    <ChatRoom
      key={`${session.room}/${session.nick}`}
      session={session}
      clientId={clientId}
      initialPath={loadChatPath(stores.tab)}
      onPathChange={(path) => saveChatPath(stores.tab, path)}
      onLeave={() => {
        saveAutoJoin(stores.tab, false);
        setSession(null);
      }}
    />
  );
}
