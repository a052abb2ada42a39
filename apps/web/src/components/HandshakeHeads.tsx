import type { HandshakeTrace } from '../lib/handshake-trace.js';
import { HttpHeadView } from './HttpHeadView.js';

/** The request and response heads of a relay leg's handshake, each with its lines explained. */
export function HandshakeHeads({
  trace,
  requestNotes,
  responseNotes,
}: {
  readonly trace: HandshakeTrace;
  readonly requestNotes: Readonly<Record<string, string>>;
  readonly responseNotes: Readonly<Record<string, string>>;
}) {
  return (
    <>
      <HttpHeadView
        head={trace.request}
        label="Request head, relay → server"
        notes={requestNotes}
        testId="handshake-request"
      />
      <HttpHeadView
        head={trace.response}
        label="Response head, server → relay"
        notes={responseNotes}
        testId="handshake-response"
      />
    </>
  );
}
