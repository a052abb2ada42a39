import type { AcceptWork } from '../lib/handshake-math.js';
import { formatHex } from '../lib/wire-bytes.js';

/** key + GUID -> SHA-1 -> base64, step by step (RFC 6455 §1.3, §4.2.2 step 5.4). */
export function AcceptSteps({
  work,
  testId,
}: {
  readonly work: AcceptWork;
  readonly testId: string;
}) {
  return (
    <ol className="handshake-steps" data-testid={testId}>
      <li>
        <span className="step-label">Sec-WebSocket-Key (16 random bytes, base64)</span>
        <code className="step-value">{work.key}</code>
      </li>
      <li>
        <span className="step-label">key + the GUID of RFC 6455 §1.3</span>
        <code className="step-value">{work.concatenated}</code>
      </li>
      <li>
        <span className="step-label">SHA-1 of that text, 20 bytes</span>
        <code className="step-value">{formatHex(work.digest)}</code>
      </li>
      <li>
        <span className="step-label">base64: the Sec-WebSocket-Accept to expect</span>
        <code className="step-value" data-testid="accept-page">
          {work.accept}
        </code>
      </li>
    </ol>
  );
}
