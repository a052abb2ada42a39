import { PROTOCOL_LABELS } from '@draftbridge/shared-types';
import { describeRfc6455Frame, parseHixieFrame, readFrameType } from '../lib/wire-bytes.js';
import type { WireEntry } from '../lib/wire-log.js';
import { ByteSegments } from './ByteSegments.js';

/** One frame that crossed the legacy socket, next to the RFC 6455 frame (a client's or a server's) for the same payload. */
export function WireFrame({ entry }: { readonly entry: WireEntry }) {
  const frame = parseHixieFrame(entry.bytes);
  const type = readFrameType(frame.text);
  const draft = PROTOCOL_LABELS[entry.protocol];
  const direction = entry.dir === 'out' ? 'relay → server' : 'server → relay';
  const payload = frame.kind === 'text' ? entry.bytes.subarray(1, -1) : null;
  return (
    <li className="wire-frame" data-testid="wire-frame" data-type={type ?? frame.kind}>
      <h3 className="wire-frame-title">
        <span className={`wire-dir wire-dir--${entry.dir}`}>{direction}</span> ·{' '}
        <span className="wire-type">{type ?? frame.kind}</span> · {entry.bytes.length} bytes on the
        wire
      </h3>
      <div className="frame-row">
        <span className="frame-row-label">{draft} (what crossed the socket)</span>
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
      {frame.text !== null ? (
        <div className="frame-row">
          <span className="frame-row-label">Payload as text</span>
          <code className="frame-text" title={frame.text}>
            {frame.text}
          </code>
        </div>
      ) : null}
    </li>
  );
}
