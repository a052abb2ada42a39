/**
 * The client kit's entry: `connectClient()` opens a connection over any of the five protocols
 * the router serves and hands back one `ProtocolClient`, whichever implementation carries it.
 * The CLI, the soak, the server's tests and the relay's tests connect through it.
 */
import type { Protocol } from '../protocols.js';
import { connectHixieProtocol } from './hixie-protocol-client.js';
import { connectHybi07 } from './hybi07-client.js';
import {
  type ClientOptions,
  type ProtocolClient,
  type ResolvedClientOptions,
  resolveClientOptions,
} from './protocol-client.js';
import { connectWebSocketNode } from './websocket-node-client.js';

// Who carries each protocol: WebSocket-Node's own client where it speaks the version, our
// hybi framing on a raw socket for hybi-07 (no maintained client has it), our hixie client.
const CONNECTORS: Readonly<
  Record<Protocol, (options: ResolvedClientOptions) => Promise<ProtocolClient>>
> = {
  rfc6455: connectWebSocketNode,
  'hybi-08': connectWebSocketNode,
  'hybi-07': connectHybi07,
  'hixie-76': connectHixieProtocol,
  'hixie-75': connectHixieProtocol,
};

/**
 * Connects to `options.url` speaking `options.protocol`; resolves once the handshake is
 * verified. Rejects with a TypeError for a bad option, or with the handshake's or socket's error
 * (a HixieError with its `code` on the drafts). Listeners attached right after `await` miss
 * nothing the server sent with its handshake.
 */
export async function connectClient(options: ClientOptions): Promise<ProtocolClient> {
  const resolved = resolveClientOptions(options);
  return CONNECTORS[resolved.protocol](resolved);
}
