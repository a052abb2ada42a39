/**
 * One connection of a soak client, over any way the server is reached, through the router
 * package's client kit: the five protocols on `/ws`, RFC 6455 forced onto faye-websocket, and
 * the relay over RFC 6455 as a browser reaches it. Each can be closed cleanly or dropped
 * abruptly (the socket destroyed, no closing handshake), and none keeps what it receives: the
 * soak client does.
 */
import { connectClient, type Protocol } from '@draftbridge/protocol-router';

/** Every way a soak client can reach the server. */
export const SOAK_KINDS = [
  'rfc6455',
  'hybi-08',
  'hybi-07',
  'hixie-76',
  'hixie-75',
  'rfc6455-faye',
  'relay-76',
  'relay-75',
] as const;

/** One way in: a protocol on `/ws`, RFC 6455 forced onto faye-websocket, or a relay draft. */
export type SoakKind = (typeof SOAK_KINDS)[number];

/** A soak client's open connection: all it does is send, close politely, or die. */
export interface SoakTransport {
  send(text: string): void;
  /** Closing handshake of the protocol. */
  close(): void;
  /** The socket destroyed at once, as when a network or a process dies. */
  drop(): void;
}

/** What a transport reports. */
export interface SoakTransportEvents {
  onText(text: string): void;
  onClose(): void;
}

// Frames from the server may carry a long welcome: far past what clients may send.
const CLIENT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

// Where each kind connects, and with which protocol.
const ROUTES: Readonly<Record<SoakKind, { protocol: Protocol; path: string }>> = {
  rfc6455: { protocol: 'rfc6455', path: '/ws' },
  'hybi-08': { protocol: 'hybi-08', path: '/ws' },
  'hybi-07': { protocol: 'hybi-07', path: '/ws' },
  'hixie-76': { protocol: 'hixie-76', path: '/ws' },
  'hixie-75': { protocol: 'hixie-75', path: '/ws' },
  'rfc6455-faye': { protocol: 'rfc6455', path: '/ws?engine=faye-websocket' },
  'relay-76': { protocol: 'rfc6455', path: '/relay?draft=76' },
  'relay-75': { protocol: 'rfc6455', path: '/relay?draft=75' },
};

/** Opens a transport of `kind` to the server at `base` (`ws://127.0.0.1:PORT`). */
export async function openSoakTransport(
  kind: SoakKind,
  base: string,
  on: SoakTransportEvents,
): Promise<SoakTransport> {
  const { protocol, path } = ROUTES[kind];
  const client = await connectClient({
    protocol,
    url: `${base}${path}`,
    maxMessageBytes: CLIENT_MAX_MESSAGE_BYTES,
  });
  client.on('message', (text) => on.onText(text));
  client.on('error', () => {});
  client.on('close', () => on.onClose());
  return {
    send: (text) => client.send(text),
    close: () => client.close(),
    drop: () => client.terminate(),
  };
}
