import { useState } from 'react';
import { ChatPage } from './components/ChatPage.js';
import { ComparePage } from './components/ComparePage.js';
import { COMPARE_VIEW, VIEW_PARAM } from './lib/constants.js';
import { getBrowserStores, loadClientId } from './lib/storage.js';

/** The draftbridge page: the chat, or the compare view with `?view=compare`. */
export function App() {
  const [stores] = useState(getBrowserStores);
  const [clientId] = useState(() => loadClientId(stores.tab));
  const view = new URLSearchParams(window.location.search).get(VIEW_PARAM);
  if (view === COMPARE_VIEW) return <ComparePage clientId={clientId} stores={stores} />;
  return <ChatPage clientId={clientId} stores={stores} />;
}
