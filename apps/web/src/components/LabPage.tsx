import { useState } from 'react';
import { isJoinValid, validateJoin } from '../lib/join-validation.js';
import {
  type KeyValueStore,
  loadPreferences,
  type Preferences,
  savePreferences,
} from '../lib/storage.js';
import { AppHeader } from './AppHeader.js';
import { JoinForm } from './JoinForm.js';
import { LabSession } from './LabSession.js';

/** The lab route: five generations in one room, and their handshakes on screen. */
export function LabPage({
  clientId,
  stores,
}: {
  readonly clientId: string;
  readonly stores: { readonly local: KeyValueStore | null };
}) {
  const [preferences] = useState(() => loadPreferences(stores.local));
  const [session, setSession] = useState<Preferences | null>(() =>
    isJoinValid(validateJoin(preferences.nick, preferences.room)) ? preferences : null,
  );
  return (
    <>
      <AppHeader view="lab" />
      {session === null ? (
        <main className="join-layout">
          <p className="join-intro">
            The lab puts five members in one room, one for each generation of WebSocket: RFC 6455
            from this browser, hybi-08, hybi-07, draft-76 and draft-75 through the server's relay,
            and shows each handshake worked out.
          </p>
          <JoinForm
            initial={preferences}
            submitLabel="Open the lab"
            onJoin={(joined) => {
              savePreferences(stores.local, joined);
              setSession(joined);
            }}
          />
        </main>
      ) : (
        <LabSession session={session} clientId={clientId} />
      )}
    </>
  );
}
