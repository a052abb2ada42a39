import { PROTOCOL_LABELS } from '@draftbridge/shared-types';
import { parseHybiFrame } from '../lib/hybi-frames.js';
import { describeRfc6455Frame, parseHixieFrame, readFrameType } from '../lib/wire-bytes.js';
import { isHixieProtocol, type WireEntry } from '../lib/wire-log.js';
import { ByteSegments } from './ByteSegments.js';

/** The label a frame gets: the chat message type in it, else what kind of frame it is. */
export function describeWireEntry(entry: WireEntry): { kind: string; text: string | null } {
  const frame = isHixieProtocol(entry.protocol)
    ? parseHixieFrame(entry.bytes)
    : parseHybiFrame(entry.bytes);
  return { kind: readFrameType(frame.text) ?? frame.kind, text: frame.text };
}

function HixieRows({ entry }: { readonly entry: WireEntry }) {
  const frame = parseHixieFrame(entry.bytes);
  const payload = frame.kind === 'text' ? entry.bytes.subarray(1, -1) : null;
  return (
    <>
      <div className="frame-row">
        <span className="frame-row-label">
          {PROTOCOL_LABELS[entry.protocol]} (what crossed the socket)
        </span>
        <ByteSegments segments={frame.segments} testId="hixie-bytes" />
      </div>
      {payload !== null ? (
        <div className="frame-row" data-masked={entry.maskingKey !== null}>
          <span className="frame-row-label">
            {entry.maskingKey !== null
              ? 'RFC 6455 client frame, same payload (masked)'
              : 'RFC 6455 server frame, same payload (unmasked)'}
          </span>
          <ByteSegments
            segments={describeRfc6455Frame(payload, entry.maskingKey)}
            testId="rfc6455-bytes"
          />
        </div>
      ) : null}
    </>
  );
}

function HybiRows({ entry }: { readonly entry: WireEntry }) {
  const frame = parseHybiFrame(entry.bytes);
  return (
    <div className="frame-row" data-masked={frame.masked}>
      <span className="frame-row-label">
        {PROTOCOL_LABELS[entry.protocol]} {entry.dir === 'out' ? 'client' : 'server'} frame, what
        crossed the socket ({frame.masked ? 'masked' : 'unmasked'}; RFC 6455’s framing)
      </span>
      <ByteSegments segments={frame.segments} testId="hybi-bytes" />
    </div>
  );
}

/**
 * One frame that crossed the relay's leg: a draft's `00 … FF` next to the RFC 6455 frame for
 * the same payload (a client's masked, a server's not), or a hybi frame as it was, its own
 * masking key and all.
 */
export function WireFrame({ entry }: { readonly entry: WireEntry }) {
  const { kind, text } = describeWireEntry(entry);
  const direction = entry.dir === 'out' ? 'relay → server' : 'server → relay';
  return (
    <li className="wire-frame" data-testid="wire-frame" data-type={kind}>
      <h3 className="wire-frame-title">
        <span className={`wire-dir wire-dir--${entry.dir}`}>{direction}</span> ·{' '}
        <span className="wire-type">{kind}</span> · {entry.bytes.length} bytes on the wire
      </h3>
      {isHixieProtocol(entry.protocol) ? <HixieRows entry={entry} /> : <HybiRows entry={entry} />}
      {text !== null ? (
        <div className="frame-row">
          <span className="frame-row-label">
            Payload as text{isHixieProtocol(entry.protocol) ? '' : ', unmasked'}
          </span>
          <code className="frame-text" title={text}>
            {text}
          </code>
        </div>
      ) : null}
    </li>
  );
}
