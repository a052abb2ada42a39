import { PROTOCOL_LABELS, type ProtocolId } from '@draftbridge/shared-types';
import { useId } from 'react';
import type { ConnectionSnapshot } from '../lib/chat-connection.js';
import { DirectHandshake } from './DirectHandshake.js';
import { Draft75Handshake } from './Draft75Handshake.js';
import { Draft76Handshake } from './Draft76Handshake.js';
import { HybiHandshake } from './HybiHandshake.js';

/** Which generation to show, and what is known of it. */
interface HandshakeInspectorProps {
  readonly protocol: ProtocolId;
  readonly snapshot: ConnectionSnapshot | null;
  /** The URL the RFC 6455 pane's browser socket opened. */
  readonly directUrl: string;
}

function Body({ protocol, snapshot, directUrl }: HandshakeInspectorProps) {
  if (protocol === 'rfc6455') return <DirectHandshake url={directUrl} />;
  const trace = snapshot?.handshake ?? null;
  if (trace === null) {
    return <p className="list-state">Waiting for the relay to open this pane's leg…</p>;
  }
  if (trace.protocol === 'hixie-76') return <Draft76Handshake trace={trace} />;
  if (trace.protocol === 'hixie-75') return <Draft75Handshake trace={trace} />;
  return <HybiHandshake trace={trace} />;
}

/**
 * One generation's opening handshake, annotated and recomputed in the browser: the relay's leg
 * for the older four (from its `handshake` message), what a page can know for RFC 6455.
 */
export function HandshakeInspector(props: HandshakeInspectorProps) {
  const { protocol } = props;
  const headingId = useId();
  return (
    <section
      className="panel handshake-inspector"
      aria-labelledby={headingId}
      data-testid="handshake-inspector"
      data-protocol={protocol}
    >
      <h2 id={headingId}>Handshake inspector: {PROTOCOL_LABELS[protocol]}</h2>
      <Body {...props} />
    </section>
  );
}
