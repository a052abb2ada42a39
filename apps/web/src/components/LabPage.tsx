import { LabSession } from './LabSession.js';
import { type GatedViewProps, SessionGate } from './SessionGate.js';

/** The lab route: five generations in one room, and their handshakes on screen. */
export function LabPage({ clientId, stores }: GatedViewProps) {
  return (
    <SessionGate
      view="lab"
      stores={stores}
      submitLabel="Open the lab"
      intro={
        <p className="join-intro">
          The lab puts five members in one room, one for each generation of WebSocket: RFC 6455 from
          this browser, hybi-08, hybi-07, draft-76 and draft-75 through the server's relay, and
          shows each handshake worked out.
        </p>
      }
    >
      {(session) => <LabSession session={session} clientId={clientId} />}
    </SessionGate>
  );
}
