import { useState } from 'react';
import { ChatPage } from './components/ChatPage.js';
import { ComparePage } from './components/ComparePage.js';
import { LabPage } from './components/LabPage.js';
import { COMPARE_VIEW, LAB_VIEW, VIEW_PARAM } from './lib/constants.js';
import { getBrowserStores, loadClientId } from './lib/storage.js';

/** The draftbridge page: the chat, the compare view with `?view=compare`, the lab with `?view=lab`. */
export function App() {
  const [stores] = useState(getBrowserStores);
  const [clientId] = useState(() => loadClientId(stores.tab));
  const view = new URLSearchParams(window.location.search).get(VIEW_PARAM);
  if (view === COMPARE_VIEW) return <ComparePage clientId={clientId} stores={stores} />;
  if (view === LAB_VIEW) return <LabPage clientId={clientId} stores={stores} />;
  return <ChatPage clientId={clientId} stores={stores} />;
}
