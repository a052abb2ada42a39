import { PROTOCOL_LABELS } from '@draftbridge/shared-types';
import { workAccept } from '../lib/handshake-math.js';
import { type HandshakeTrace, headerValue, RELAY_HEADER_NOTES } from '../lib/handshake-trace.js';
import { AcceptSteps } from './AcceptSteps.js';
import { HandshakeCheck } from './HandshakeCheck.js';
import { HandshakeHeads } from './HandshakeHeads.js';

const REQUEST_NOTES = {
  ...RELAY_HEADER_NOTES,
  'sec-websocket-key': '16 random bytes, base64: the challenge',
  'sec-websocket-version': 'the draft: 7 or 8 (RFC 6455 says 13)',
  'sec-websocket-origin': 'the origin, by its hybi name (RFC 6455: Origin)',
};

const RESPONSE_NOTES = {
  'sec-websocket-accept': 'the proof: base64(SHA-1(key + GUID))',
};

/**
 * A hybi-07 or hybi-08 handshake of the relay's leg: the key, key + GUID, SHA-1, base64, and the
 * check against the server's Sec-WebSocket-Accept. The two drafts shake hands as RFC 6455 does;
 * they differ in the version they send and in naming the origin Sec-WebSocket-Origin.
 */
export function HybiHandshake({ trace }: { readonly trace: HandshakeTrace }) {
  const work = workAccept(headerValue(trace.request, 'Sec-WebSocket-Key') ?? '');
  const server = headerValue(trace.response, 'Sec-WebSocket-Accept');
  return (
    <div className="handshake-body">
      <AcceptSteps work={work} testId="accept-steps" />
      <p className="handshake-bytes">
        <span className="step-label">The server's Sec-WebSocket-Accept</span>{' '}
        <code data-testid="accept-server">{server ?? '(none)'}</code>
      </p>
      <HandshakeCheck match={server === work.accept} what="Sec-WebSocket-Accept" />
      <HandshakeHeads trace={trace} requestNotes={REQUEST_NOTES} responseNotes={RESPONSE_NOTES} />
      <p className="wire-note">
        {PROTOCOL_LABELS[trace.protocol]} already shakes hands as RFC 6455 will: no body, no MD5,
        the proof in a header. RFC 6455 changes the version to 13 and names the origin{' '}
        <code>Origin</code>, as browsers send it.
      </p>
    </div>
  );
}
