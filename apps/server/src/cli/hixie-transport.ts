/**
 * The draft-75/76 transport: the router package's hixie client, with a receive limit high enough
 * for a `welcome` carrying the room's history.
 */
import { EventEmitter } from 'node:events';
import { connectHixie, type HixieClient } from '@draftbridge/protocol-router';
import type { ChatTransport, ChatTransportEvents } from './connect.js';
import { CLOSE_TIMEOUT_MS, CONNECT_TIMEOUT_MS, MAX_RECEIVE_BYTES } from './constants.js';

class HixieTransport extends EventEmitter<ChatTransportEvents> implements ChatTransport {
  readonly protocol;
  readonly #client: HixieClient;
  #lastError: Error | undefined;

  constructor(client: HixieClient) {
    super();
    this.#client = client;
    this.protocol = client.draft === 76 ? ('hixie-76' as const) : ('hixie-75' as const);
    client.on('message', (text) => this.emit('message', text));
    client.on('error', (error) => {
      this.#lastError = error;
    });
    client.on('close', (clean) =>
      this.emit('close', { clean, reason: this.#lastError?.message ?? undefined }),
    );
  }

  send(text: string): boolean {
    return this.#client.send(text);
  }

  close(): void {
    this.#client.close();
  }

  terminate(): void {
    this.#client.terminate();
  }
}

/** Opens a hixie-75 or hixie-76 connection to `url`. */
export async function connectHixieTransport(url: string, draft: 75 | 76): Promise<ChatTransport> {
  const client = await connectHixie({
    url,
    draft,
    handshakeTimeoutMs: CONNECT_TIMEOUT_MS,
    maxMessageBytes: MAX_RECEIVE_BYTES,
    closeTimeoutMs: CLOSE_TIMEOUT_MS,
  });
  // Listeners go on before this function returns, within the turn that connectHixie keeps the
  // socket paused for, so frames that rode with the handshake are not lost.
  return new HixieTransport(client);
}
