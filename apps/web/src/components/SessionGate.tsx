import { type ReactNode, useState } from 'react';
import { isJoinValid, validateJoin } from '../lib/join-validation.js';
import {
  type BrowserStores,
  loadPreferences,
  type Preferences,
  savePreferences,
} from '../lib/storage.js';
import { AppHeader, type View } from './AppHeader.js';
import { JoinForm } from './JoinForm.js';

/** What a view behind the gate is given: the tab's client id and the store it remembers in. */
export interface GatedViewProps {
  readonly clientId: string;
  readonly stores: Pick<BrowserStores, 'local'>;
}

/**
 * A view of one room that needs a nick and a room first (the compare view, the lab): the
 * remembered ones start it at once, else the join form asks, then `children` renders the room.
 */
export function SessionGate({
  view,
  stores,
  submitLabel,
  intro,
  children,
}: {
  readonly view: View;
  readonly stores: GatedViewProps['stores'];
  readonly submitLabel: string;
  /** Shown above the join form: what this view is. */
  readonly intro?: ReactNode;
  readonly children: (session: Preferences) => ReactNode;
}) {
  const [preferences] = useState(() => loadPreferences(stores.local));
  const [session, setSession] = useState<Preferences | null>(() =>
    isJoinValid(validateJoin(preferences.nick, preferences.room)) ? preferences : null,
  );
  return (
    <>
      <AppHeader view={view} />
      {session === null ? (
        <main className="join-layout">
          {intro}
          <JoinForm
            initial={preferences}
            submitLabel={submitLabel}
            onJoin={(joined) => {
              savePreferences(stores.local, joined);
              setSession(joined);
            }}
          />
        </main>
      ) : (
        children(session)
      )}
    </>
  );
}
