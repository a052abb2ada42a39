import { type HandshakeTrace, RELAY_HEADER_NOTES } from '../lib/handshake-trace.js';
import { HandshakeHeads } from './HandshakeHeads.js';

const RESPONSE_NOTES = {
  'websocket-origin': 'echoes the Origin',
  'websocket-location': 'repeats the URL asked for',
};

/**
 * The draft-75 handshake of the relay's leg: no challenge at all, and why draft-76 added one.
 */
export function Draft75Handshake({ trace }: { readonly trace: HandshakeTrace }) {
  return (
    <div className="handshake-body">
      <p className="handshake-explain" data-testid="draft75-no-challenge">
        <strong>No challenge.</strong> The request carries no key and nothing follows it; a{' '}
        <code>101</code> with the right headers is all a draft-75 client checks, so the server
        proves nothing. That leaves room for a cross-protocol attack: a server that is not a
        WebSocket server (an HTTP server or proxy that echoes what it reads, a mail or chat server)
        can be led to send back bytes that pass for this response, and a script on any page then
        talks to that service through the browser's socket. Draft-76 made the server prove it read
        the handshake: only a server that parsed Key1, Key2 and the 8 bytes of key3 can send the MD5
        answer, and a form or an XMLHttpRequest cannot produce those headers and that body. RFC 6455
        keeps the idea with <code>Sec-WebSocket-Key</code> and the SHA-1 accept.
      </p>
      <HandshakeHeads
        trace={trace}
        requestNotes={RELAY_HEADER_NOTES}
        responseNotes={RESPONSE_NOTES}
      />
    </div>
  );
}
