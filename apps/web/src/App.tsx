import { PROTOCOL_IDS, PROTOCOL_LABELS } from '@draftbridge/shared-types';

/** The draftbridge page. */
export function App() {
  return (
    <main>
      <h1>draftbridge</h1>
      <p>
        One chat for every WebSocket generation:{' '}
        {PROTOCOL_IDS.map((id) => PROTOCOL_LABELS[id]).join(', ')}.
      </p>
    </main>
  );
}
