import { WIRE_PAYLOAD_PREVIEW_BYTES } from '../lib/constants.js';
import { type ByteSegment, formatHexPreview } from '../lib/wire-bytes.js';

/** A frame's bytes in hex, each run labelled with what it is. */
export function ByteSegments({
  segments,
  testId,
}: {
  readonly segments: readonly ByteSegment[];
  readonly testId: string;
}) {
  return (
    <div className="byte-segments" data-testid={testId}>
      {segments.map((segment, index) => (
        // Segments never reorder, so their position is a stable key.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above.
        <span key={index} className={`segment segment--${segment.role}`}>
          <code className="segment-bytes" data-testid="segment-bytes">
            {formatHexPreview(segment.bytes, WIRE_PAYLOAD_PREVIEW_BYTES)}
          </code>
          <span className="segment-label">{segment.label}</span>
        </span>
      ))}
    </div>
  );
}
