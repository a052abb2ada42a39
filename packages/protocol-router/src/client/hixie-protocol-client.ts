/**
 * hixie-75 and hixie-76 through the package's hixie client (hixie/hixie-client.ts), seen
 * through the kit's interface: the drafts have no close codes, so a completed close reads as
 * 1000 and any other end as 1006, and `close(code, reason)` closes the draft's way, with neither.
 */
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { CLOSE_CODES } from '../connection.js';
import type { HandshakeBytes } from './handshake.js';
import { connectHixie, type HixieClient } from './hixie/hixie-client.js';
import {
  checkCloseCode,
  type ProtocolClient,
  type ProtocolClientEvents,
  type ResolvedClientOptions,
} from './protocol-client.js';

class HixieProtocolClient extends EventEmitter<ProtocolClientEvents> implements ProtocolClient {
  readonly protocol: 'hixie-75' | 'hixie-76';
  readonly socket: net.Socket;
  readonly handshake: HandshakeBytes | null;
  readonly #client: HixieClient;

  constructor(client: HixieClient, trace: boolean) {
    super();
    this.#client = client;
    this.protocol = client.draft === 76 ? 'hixie-76' : 'hixie-75';
    this.socket = client.socket;
    this.handshake = trace ? client.handshake : null;
    client.on('message', (text) => this.emit('message', text));
    if (trace) client.on('frame', (direction, bytes) => this.emit('frame', direction, bytes));
    client.on('error', (error) => this.emit('error', error));
    client.on('close', (clean) => {
      this.emit('close', clean ? CLOSE_CODES.normal : CLOSE_CODES.abnormal, '');
    });
  }

  get isOpen(): boolean {
    return this.#client.isOpen;
  }

  send(text: string): boolean {
    return this.#client.send(text);
  }

  close(code: number = CLOSE_CODES.normal, reason = ''): void {
    checkCloseCode(code, reason);
    this.#client.close();
  }

  terminate(): void {
    this.#client.terminate();
  }
}

/** Opens a hixie-75 or hixie-76 connection. */
export async function connectHixieProtocol(
  options: ResolvedClientOptions,
): Promise<ProtocolClient> {
  const client = await connectHixie({
    url: options.url,
    draft: options.protocol === 'hixie-76' ? 76 : 75,
    headers: { ...options.headers },
    handshakeTimeoutMs: options.handshakeTimeoutMs,
    maxMessageBytes: options.maxMessageBytes,
    closeTimeoutMs: options.closeTimeoutMs,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.origin === undefined ? {} : { origin: options.origin }),
  });
  // Listeners go on within the turn that connectHixie keeps the socket paused for.
  return new HixieProtocolClient(client, options.trace);
}
