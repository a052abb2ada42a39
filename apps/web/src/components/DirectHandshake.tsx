import { useId, useState } from 'react';
import { workAccept } from '../lib/handshake-math.js';
import { AcceptSteps } from './AcceptSteps.js';

// RFC 6455 §1.3's example key; its accept is s3pPLMBiTxaQ9kYGzzhZRbK+xOo=.
const EXAMPLE_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/**
 * The RFC 6455 pane's handshake, which the browser did itself: what a page cannot see, what it
 * can know, and the accept computed for a key the reader types (RFC 6455 §1.3's by default).
 */
export function DirectHandshake({ url }: { readonly url: string }) {
  const [key, setKey] = useState(EXAMPLE_KEY);
  const inputId = useId();
  return (
    <div className="handshake-body">
      <p className="handshake-explain" data-testid="direct-handshake-note">
        <strong>The browser did this handshake itself, and a page cannot see its bytes.</strong> The
        WebSocket API gives a page the URL (<code>{url}</code>), and after the open the negotiated{' '}
        <code>protocol</code> and <code>extensions</code>; nothing of the request or the response.
        The browser drew a random <code>Sec-WebSocket-Key</code>, checked the server's{' '}
        <code>Sec-WebSocket-Accept</code> against it and never told the page the key, so this page
        cannot recompute this connection's accept. The other panes can: the relay sends their
        handshakes' bytes.
      </p>
      <label className="field" htmlFor={inputId}>
        <span>Try a key: RFC 6455 §1.3’s example, or any other</span>
        <input
          id={inputId}
          value={key}
          onChange={(event) => setKey(event.target.value)}
          spellCheck={false}
          autoComplete="off"
        />
      </label>
      <AcceptSteps work={workAccept(key)} testId="accept-steps" />
    </div>
  );
}
