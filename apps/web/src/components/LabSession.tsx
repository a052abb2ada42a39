import type { ProtocolId } from '@draftbridge/shared-types';
import { useId, useState } from 'react';
import { useConnectionEnvironment } from '../hooks/connection-environment.js';
import { useLabConnections } from '../hooks/use-lab-connections.js';
import { useMediaQuery } from '../hooks/use-media-query.js';
import { createEndpointUrl, DIRECT_PATH } from '../lib/chat-path.js';
import { compareStreamSet } from '../lib/compare-streams.js';
import { LAB_FRAMES_SHOWN, LAB_GRID_MEDIA } from '../lib/constants.js';
import {
  FIRST_INSPECTED,
  LAB_GENERATIONS,
  LAB_STREAM_NAMES,
  labClientId,
} from '../lib/lab-generations.js';
import type { Preferences } from '../lib/storage.js';
import { isHixieProtocol } from '../lib/wire-log.js';
import { ComparePane } from './ComparePane.js';
import { GenerationTabs } from './GenerationTabs.js';
import { HandshakeInspector } from './HandshakeInspector.js';
import { MemberList } from './MemberList.js';
import { StreamVerdictBanner } from './StreamVerdictBanner.js';
import { ToolPanel } from './ToolPanel.js';
import { WireInspector } from './WireInspector.js';

/**
 * The lab of one room: five members, one per generation, in a grid of five panes (or one pane
 * behind each tab on a narrow screen), a verdict on the five streams, and below them a drawer
 * with the handshake and frame inspectors for the generation chosen in its tabs.
 */
export function LabSession({
  session,
  clientId,
}: {
  readonly session: Preferences;
  readonly clientId: string;
}) {
  const connections = useLabConnections(session.room, session.nick, clientId);
  const [selected, setSelected] = useState<ProtocolId>(FIRST_INSPECTED);
  const grid = useMediaQuery(LAB_GRID_MEDIA);
  const baseId = useId();
  const { page } = useConnectionEnvironment();

  // Cheap enough to work out on every render: five streams of at most a page of history each.
  const verdict = compareStreamSet(
    LAB_GENERATIONS.map(
      ({ protocol }) => [protocol, connections[protocol].snapshot?.chat.messages ?? []] as const,
    ),
  );
  const marks = new Map<string, string>();
  for (const { protocol, name } of LAB_GENERATIONS) {
    const id = connections[protocol].snapshot?.chat.self?.id;
    if (id !== undefined) marks.set(id, `this lab, ${name} pane`);
  }
  const members =
    LAB_GENERATIONS.map(({ protocol }) => connections[protocol].snapshot).find((s) => s !== null)
      ?.chat.members ?? [];
  const inspected = connections[selected].snapshot;
  const paneId = (protocol: ProtocolId) => `${baseId}-pane-${protocol}`;
  const inspectorId = `${baseId}-inspector`;

  return (
    <main className={grid ? 'lab-layout lab-layout--grid' : 'lab-layout'}>
      <div className="compare-top">
        <p className="compare-intro">
          Room <strong>#{session.room}</strong>: five members, one for each generation, from the
          2010 drafts to RFC 6455.
        </p>
        <StreamVerdictBanner verdict={verdict} names={LAB_STREAM_NAMES} />
      </div>
      {grid ? null : (
        <GenerationTabs
          label="Panes"
          selected={selected}
          onSelect={setSelected}
          controls={paneId}
          testId="pane-tabs"
        />
      )}
      <div className="lab-panes">
        {LAB_GENERATIONS.map(({ protocol, title }) => (
          <ComparePane
            key={protocol}
            id={paneId(protocol)}
            title={title}
            slot={protocol}
            clientId={labClientId(clientId, protocol)}
            nick={session.nick}
            connection={connections[protocol].connection}
            snapshot={connections[protocol].snapshot}
            hidden={!grid && protocol !== selected}
            placeholder="Message"
          />
        ))}
      </div>
      <ToolPanel
        beside={false}
        label="Handshakes, frames and members"
        summary={`Handshake and frame inspector · members (${members.length}) · #${session.room}`}
      >
        <GenerationTabs
          label="Inspect a generation"
          selected={selected}
          onSelect={setSelected}
          controls={() => inspectorId}
          testId="inspect-tabs"
        />
        <div id={inspectorId} role="tabpanel" className="lab-inspected">
          <HandshakeInspector
            protocol={selected}
            snapshot={inspected}
            directUrl={createEndpointUrl(DIRECT_PATH, page)}
          />
          {selected === 'rfc6455' ? (
            <p className="wire-note" data-testid="direct-frames-note">
              The browser frames and masks this pane's messages itself; a page sees only their text,
              never the frame or the key. The other panes show their legs' frames.
            </p>
          ) : (
            <WireInspector
              wire={inspected?.wire ?? []}
              limit={LAB_FRAMES_SHOWN}
              hixie={isHixieProtocol(selected)}
            />
          )}
        </div>
        <MemberList members={members} marks={marks} />
      </ToolPanel>
    </main>
  );
}
