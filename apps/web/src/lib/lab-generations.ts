/**
 * The lab's five generations, newest first: RFC 6455 straight from the browser, then hybi-08,
 * hybi-07, draft-76 and draft-75 through the server's relay (docs/PROTOCOL.md, "Endpoints").
 * One table, so the panes, the tabs, the verdict and the inspectors agree on names and order.
 */
import { PROTOCOL_IDS, PROTOCOL_LABELS, type ProtocolId } from '@draftbridge/shared-types';
import { type ChatPath, createRelayPath, DIRECT_PATH } from './chat-path.js';

/** One pane of the lab. */
export interface LabGeneration {
  readonly protocol: ProtocolId;
  /** The pane's heading: "RFC 6455 direct", "hybi-08 via relay", ... */
  readonly title: string;
  /** Its tab on a phone and its name in the verdict: "RFC 6455", "hybi-08", ... */
  readonly name: string;
  readonly path: ChatPath;
}

function generationOf(protocol: ProtocolId): LabGeneration {
  const name = PROTOCOL_LABELS[protocol];
  if (protocol === 'rfc6455') return { protocol, title: `${name} direct`, name, path: DIRECT_PATH };
  return { protocol, title: `${name} via relay`, name, path: createRelayPath(protocol) };
}

/** Every generation, in the contract's order (newest first). */
export const LAB_GENERATIONS: readonly LabGeneration[] = PROTOCOL_IDS.map(generationOf);

/** What the verdict banner calls each stream. */
export const LAB_STREAM_NAMES: Readonly<Record<ProtocolId, string>> = Object.fromEntries(
  LAB_GENERATIONS.map((generation) => [generation.protocol, generation.name]),
) as Record<ProtocolId, string>;

/** The generation a student meets first in the inspector: draft-76, whose handshake has the most to show. */
export const FIRST_INSPECTED: ProtocolId = 'hixie-76';

/** The client id of one pane: each is a member of the room in its own right. */
export function labClientId(clientId: string, protocol: ProtocolId): string {
  return `${clientId}-lab-${protocol}`;
}
