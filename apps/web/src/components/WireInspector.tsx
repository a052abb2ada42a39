import { useId, useState } from 'react';
import { WIRE_FRAMES_SHOWN } from '../lib/constants.js';
import type { WireEntry } from '../lib/wire-log.js';
import { describeWireEntry, WireFrame } from './WireFrame.js';

// The chat's JSON pings and pongs, and on hybi the protocol's own ping and pong frames.
const KEEPALIVE_TYPES: ReadonlySet<string> = new Set(['ping', 'pong']);

function isKeepalive(entry: WireEntry): boolean {
  return KEEPALIVE_TYPES.has(describeWireEntry(entry).kind);
}

/** The bytes of recent frames on the relay's leg, newest first. */
export function WireInspector({
  wire,
  limit = WIRE_FRAMES_SHOWN,
  hixie = true,
}: {
  readonly wire: readonly WireEntry[];
  readonly limit?: number;
  /** Whether the leg speaks a draft (`00 … FF`) or hybi (RFC 6455's framing). */
  readonly hixie?: boolean;
}) {
  const headingId = useId();
  const [showKeepalive, setShowKeepalive] = useState(false);
  const shown = wire
    .filter((entry) => showKeepalive || !isKeepalive(entry))
    .slice(-limit)
    .reverse();
  return (
    <section className="panel wire-inspector" aria-labelledby={headingId}>
      <div className="wire-inspector-head">
        <h2 id={headingId}>Wire inspector</h2>
        <label className="switch">
          <input
            type="checkbox"
            checked={showKeepalive}
            onChange={(event) => setShowKeepalive(event.target.checked)}
          />
          <span>Show pings and pongs</span>
        </label>
      </div>
      {hixie ? (
        <p className="wire-note">
          The exact bytes on the relay's legacy socket, newest first: a draft frame is{' '}
          <code>00</code>, the UTF-8 text, <code>FF</code>. RFC 6455 puts a header with the opcode
          and the length in front instead.
        </p>
      ) : (
        <p className="wire-note">
          The exact bytes on the relay's hybi socket, newest first: the hybi drafts already frame as
          RFC 6455 does, a header with FIN, the opcode, MASK and the length, then the payload. The
          relay is the client here, so its frames carry their own masking key.
        </p>
      )}
      {shown.length === 0 ? (
        <p className="list-state">No frames yet: send a message on the legacy path.</p>
      ) : (
        <ol className="wire-list">
          {shown.map((entry) => (
            <WireFrame key={entry.key} entry={entry} />
          ))}
        </ol>
      )}
      <p className="wire-note" data-testid="masking-note">
        Clients mask, servers do not: a client XORs every frame with a fresh random key, so bytes a
        script picks cannot pose as HTTP to a cache or proxy on the way and poison it (RFC 6455
        §5.1, §5.3, §10.3). The drafts never masked.{' '}
        {hixie
          ? 'The keys shown are drawn by this page: the browser does not reveal its own.'
          : 'The keys shown are the ones the relay drew for these frames.'}
      </p>
    </section>
  );
}
