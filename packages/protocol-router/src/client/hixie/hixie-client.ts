/**
 * A hixie-75/76 WebSocket client over a plain `net.Socket`: the relay uses it to reach the
 * server's own `/ws` with a genuine draft handshake, the terminal client to chat, the tests to
 * drive faye-websocket's draft support.
 *
 * Design notes:
 * - `connectHixie()` reads the handshake response byte by byte (hixie-handshake.ts) on a socket
 *   of raw-handshake.ts: bytes that follow it in the same TCP chunk are frames, only read after
 *   the promise has resolved, so a caller that attaches listeners right after `await` misses
 *   nothing.
 * - Draft differences come from one table (hixie-drafts.ts). Draft-76 closes with the `0xFF 0x00`
 *   exchange (draft-hixie-76 §4.2); the close is clean when both halves crossed. Draft-75 closes
 *   TCP; the close is clean when the peer ended its side in order.
 * - A frame that breaks the client's rules (too large, invalid UTF-8; see hixie-framing.ts and the codec it reads with, hixie/hixie-frames.ts) fails
 *   the connection: `error`, then the draft's way of closing, then `close(false)`. Nothing read
 *   after that point is delivered.
 * - Messages that arrive after `close()` but before the server's `0xFF 0x00` are still delivered:
 *   the server sent them before it saw the close, and the relay must not lose them.
 */
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { HIXIE_CLOSE_FRAME } from '../../hixie/hixie-constants.js';
import { encodeHixieTextFrame } from '../../hixie/hixie-frames.js';
import { type HandshakeBytes, splitHandshakeBytes } from '../handshake.js';
import { performRawHandshake } from '../raw-handshake.js';
import { HIXIE_DRAFT_RULES, type HixieDraft, type HixieDraftRules } from './hixie-drafts.js';
import { HixieError, isHixieError } from './hixie-errors.js';
import { HixieFrameParser } from './hixie-framing.js';
import { createHixieRequest, HixieResponseReader, verifyHixieResponse } from './hixie-handshake.js';
import {
  type HixieClientOptions,
  type HixieConnectionSettings,
  resolveHixieOptions,
} from './hixie-options.js';

export type { HixieDraft } from './hixie-drafts.js';
export type { HixieClientOptions, HixieConnectionSettings } from './hixie-options.js';

/** What a HixieClient emits, in the drafts' own terms (no close codes). */
export interface HixieClientEvents {
  /** One text message from the server. */
  message: [text: string];
  /** The exact bytes of each frame read (`in`) or written (`out`); the handshake is excluded. */
  frame: [direction: 'in' | 'out', bytes: Buffer];
  /** The socket is closed: emitted exactly once. */
  close: [clean: boolean];
  /** A protocol or socket error; a `close` follows. */
  error: [error: Error];
}

type ClientState = 'open' | 'closing' | 'closed';

/** An open hixie-75/76 connection; get one from `connectHixie()`. */
export class HixieClient extends EventEmitter<HixieClientEvents> {
  /** The draft spoken on this connection. */
  readonly draft: HixieDraft;
  /** The TCP socket, for its addresses; write to it only through the client. */
  readonly socket: net.Socket;
  /** The opening handshake's exact bytes: request and key3, response and answer. */
  readonly handshake: HandshakeBytes;
  readonly #rules: HixieDraftRules;
  readonly #parser: HixieFrameParser;
  readonly #closeTimeoutMs: number;
  #state: ClientState = 'open';
  #sentClose = false;
  #receivedClose = false;
  #peerEnded = false;
  #failed = false;
  #closeTimer: NodeJS.Timeout | undefined;

  /** Wraps a socket whose handshake, of these bytes, is already verified. */
  constructor(
    socket: net.Socket,
    draft: HixieDraft,
    settings: HixieConnectionSettings,
    handshake: HandshakeBytes,
  ) {
    super();
    this.draft = draft;
    this.socket = socket;
    this.handshake = handshake;
    this.#rules = HIXIE_DRAFT_RULES[draft];
    this.#parser = new HixieFrameParser({ maxMessageBytes: settings.maxMessageBytes });
    this.#closeTimeoutMs = settings.closeTimeoutMs;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('error', (error) => this.#onSocketError(error));
    socket.on('close', () => this.#onSocketClose());
  }

  /** True until the connection starts closing. */
  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /** Bytes written but not yet handed to the kernel. */
  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  /** Sends one text message; returns false (and drops it) when the connection is not open. */
  send(text: string): boolean {
    if (this.#state !== 'open') return false;
    return this.#write(encodeHixieTextFrame(text));
  }

  /** Closes the draft's way: `0xFF 0x00` and a bounded wait for the reply on 76, TCP end on 75. */
  close(): void {
    if (this.#state !== 'open') return;
    this.#startClosing();
    if (this.#rules.hasClosingHandshake) {
      this.#sendCloseFrame(); // the socket ends when the reply or the server's end arrives
    } else {
      this.socket.end();
    }
  }

  /** Destroys the socket at once, with no closing handshake. */
  terminate(): void {
    if (this.#state === 'open') this.#state = 'closing';
    this.socket.destroy();
  }

  #onData(chunk: Buffer): void {
    if (this.#receivedClose || this.#failed) return;
    try {
      for (const frame of this.#parser.push(chunk)) {
        if (this.socket.destroyed) return; // a listener terminated the connection
        this.emit('frame', 'in', frame.raw);
        if (frame.kind === 'text') this.emit('message', frame.text);
        if (frame.kind === 'close') {
          this.#onCloseFrame();
          return;
        }
      }
    } catch (error) {
      // Only the parser's errors fail the connection; a listener's own exception is its bug.
      if (!isHixieError(error)) throw error;
      this.#fail(error);
    }
  }

  #onCloseFrame(): void {
    this.#receivedClose = true;
    if (this.#state === 'open') this.#startClosing();
    // Draft-76: answer unless we started, and the handshake is complete. Draft-75 has no
    // handshake to complete: the frame only says the server is going away.
    if (this.#rules.hasClosingHandshake && !this.#sentClose) this.#sendCloseFrame();
    this.socket.end();
  }

  #fail(error: Error): void {
    this.#failed = true;
    if (this.#state === 'open') this.#startClosing();
    if (this.#rules.hasClosingHandshake && !this.#sentClose) this.#sendCloseFrame();
    this.socket.end();
    this.emit('error', error);
  }

  #onEnd(): void {
    this.#peerEnded = true;
    // net ends our side too (allowHalfOpen is false), so no timer is needed here.
    if (this.#state === 'open') this.#state = 'closing';
  }

  #onSocketError(error: Error): void {
    // Once the close is complete, a reset from a server that destroyed its socket is expected.
    if (this.#isClean()) return;
    this.#failed = true;
    this.emit('error', error);
  }

  #onSocketClose(): void {
    clearTimeout(this.#closeTimer);
    this.#state = 'closed';
    this.emit('close', this.#isClean());
  }

  #isClean(): boolean {
    if (this.#rules.hasClosingHandshake) return this.#sentClose && this.#receivedClose;
    return this.#peerEnded && !this.#failed;
  }

  #startClosing(): void {
    this.#state = 'closing';
    this.#closeTimer = setTimeout(() => this.socket.destroy(), this.#closeTimeoutMs);
  }

  #sendCloseFrame(): void {
    this.#sentClose = this.#write(Buffer.from(HIXIE_CLOSE_FRAME));
  }

  #write(frame: Buffer): boolean {
    if (!this.socket.writable) return false;
    this.socket.write(frame);
    this.emit('frame', 'out', frame);
    return true;
  }
}

/**
 * Opens a hixie-75 or hixie-76 connection: resolves once the server's handshake is verified;
 * rejects with a HixieError (`bad_status` with `status`, `bad_response`, `bad_answer`,
 * `handshake_timeout`, `handshake_closed`, `invalid_options`) or the socket's own error.
 * The socket stays paused until the macrotask after the promise resolves, so a `socket.pause()`
 * made right after `await` is undone; pause later than that.
 */
export async function connectHixie(options: HixieClientOptions): Promise<HixieClient> {
  const { draft, target, handshakeTimeoutMs, ca, ...settings } = resolveHixieOptions(options);
  const challenge = HIXIE_DRAFT_RULES[draft].createChallenge();
  const reader = new HixieResponseReader(challenge.expectedAnswer.length);
  const request = createHixieRequest(target, options, challenge);
  const { socket, response: received } = await performRawHandshake({
    hostname: target.hostname,
    port: target.port,
    tls: target.secure ? { ca } : undefined,
    request,
    timeoutMs: handshakeTimeoutMs,
    read(chunk) {
      const response = reader.push(chunk);
      if (!response) return null;
      verifyHixieResponse(response, draft, target, options.origin, challenge);
      return response.rest;
    },
    timedOut: () =>
      new HixieError(
        'handshake_timeout',
        `no handshake from the server in ${handshakeTimeoutMs} ms`,
      ),
    closed: () =>
      new HixieError('handshake_closed', 'the server closed the connection mid-handshake'),
  });
  const { protocol } = HIXIE_DRAFT_RULES[draft];
  return new HixieClient(
    socket,
    draft,
    settings,
    splitHandshakeBytes(protocol, request, received, challenge.expectedAnswer.length),
  );
}
