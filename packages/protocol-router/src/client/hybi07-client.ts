/**
 * hybi-07 (draft-ietf-hybi-thewebsocketprotocol-07) over a plain `net.Socket` (or TLS for
 * `wss:`): no maintained
 * client speaks it. It frames exactly as RFC 6455 does and differs in its handshake only in
 * the version (7) and in sending the origin as `Sec-WebSocket-Origin` (handshake.ts).
 *
 * Design notes:
 * - Frames are masked with a fresh key each (§4.3 of the draft, RFC 6455 §5.3) and read with
 *   the package's hybi reader; pings are answered, and a close frame is answered with its code
 *   before TCP is ended, completing the closing handshake (RFC 6455 §5.5.1).
 * - The handshake runs on raw-handshake.ts, as the hixie client's does: bytes that followed it
 *   in the same chunk wait until the caller, woken by the promise, listens.
 * - A frame the reader refuses (masked, past `maxMessageBytes`) fails the connection: `error`,
 *   a close frame (1002 or 1009), and the socket is ended.
 */
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { CLOSE_CODES } from '../connection.js';
import {
  encodeHybiFrame,
  HYBI_OPCODES,
  HybiFrameError,
  HybiFrameReader,
} from '../hybi/hybi-frames.js';
import {
  createClientHandshake,
  type HandshakeBytes,
  readHandshakeResponse,
  splitHandshakeBytes,
} from './handshake.js';
import {
  checkCloseCode,
  type ProtocolClient,
  type ProtocolClientEvents,
  type ResolvedClientOptions,
} from './protocol-client.js';
import { performRawHandshake } from './raw-handshake.js';

type ClientState = 'open' | 'closing' | 'closed';

// A close frame's body: the code big-endian, then the reason in UTF-8 (RFC 6455 §5.5.1).
function closePayload(code: number, reason = ''): Buffer {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2, 'utf8');
  return payload;
}

class Hybi07Client extends EventEmitter<ProtocolClientEvents> implements ProtocolClient {
  readonly protocol = 'hybi-07' as const;
  readonly socket: net.Socket;
  readonly handshake: HandshakeBytes | null;
  readonly #reader: HybiFrameReader;
  readonly #closeTimeoutMs: number;
  readonly #trace: boolean;
  #state: ClientState = 'open';
  #sentClose = false;
  #failed = false;
  #closeCode: number = CLOSE_CODES.abnormal;
  #closeReason = '';
  #closeTimer: NodeJS.Timeout | undefined;

  constructor(
    socket: net.Socket,
    options: ResolvedClientOptions,
    handshake: HandshakeBytes | null,
  ) {
    super();
    this.socket = socket;
    this.handshake = handshake;
    this.#closeTimeoutMs = options.closeTimeoutMs;
    this.#trace = options.trace;
    this.#reader = new HybiFrameReader(
      {
        ...(options.trace ? { onFrame: (raw: Buffer) => this.emit('frame', 'in', raw) } : {}),
        onMessage: (opcode, payload) => {
          // Text only: a binary message is not a chat message.
          if (opcode === HYBI_OPCODES.text) this.emit('message', payload.toString('utf8'));
        },
        onControl: (opcode, payload) => this.#onControl(opcode, payload),
      },
      { maxMessageBytes: options.maxMessageBytes },
    );
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (error) => {
      // Once a close frame crossed, a reset from a server that destroyed its socket is expected.
      if (!this.#sentClose && this.#closeCode === CLOSE_CODES.abnormal) this.emit('error', error);
    });
    socket.on('close', () => {
      clearTimeout(this.#closeTimer);
      this.#state = 'closed';
      this.emit('close', this.#closeCode, this.#closeReason);
    });
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  send(text: string): boolean {
    if (this.#state !== 'open') return false;
    return this.#write(
      encodeHybiFrame(HYBI_OPCODES.text, Buffer.from(text, 'utf8'), { mask: true }),
    );
  }

  close(code: number = CLOSE_CODES.normal, reason = ''): void {
    checkCloseCode(code, reason);
    if (this.#state !== 'open') return;
    this.#startClosing();
    this.#sendClose(closePayload(code, reason));
  }

  terminate(): void {
    if (this.#state === 'open') this.#state = 'closing';
    this.socket.destroy();
  }

  #onData(chunk: Buffer): void {
    if (this.#failed) return;
    try {
      this.#reader.push(chunk);
    } catch (error) {
      // Only the reader's errors fail the connection; a listener's own exception is its bug.
      if (!(error instanceof HybiFrameError)) throw error;
      this.#failed = true;
      if (this.#state === 'open') this.#startClosing();
      const code =
        error.code === 'too_large' ? CLOSE_CODES.messageTooBig : CLOSE_CODES.protocolError;
      // Reported as the close code, as WebSocket-Node reports the limits it enforces.
      this.#closeCode = code;
      if (!this.#sentClose) this.#sendClose(closePayload(code));
      this.socket.end();
      this.emit('error', error);
    }
  }

  #onControl(opcode: number, payload: Buffer): void {
    if (opcode === HYBI_OPCODES.ping) {
      this.#write(encodeHybiFrame(HYBI_OPCODES.pong, payload, { mask: true }));
      return;
    }
    if (opcode !== HYBI_OPCODES.close) return;
    // RFC 6455 §7.1.5: a close frame without a code reads as 1005.
    this.#closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
    this.#closeReason = payload.subarray(2).toString('utf8');
    if (this.#state === 'open') this.#startClosing();
    // The answer echoes the code, or is empty like the frame it answers.
    if (!this.#sentClose) this.#sendClose(payload.subarray(0, Math.min(payload.length, 2)));
    this.socket.end();
  }

  #startClosing(): void {
    this.#state = 'closing';
    this.#closeTimer = setTimeout(() => this.socket.destroy(), this.#closeTimeoutMs);
  }

  #sendClose(payload: Buffer): void {
    this.#sentClose = this.#write(encodeHybiFrame(HYBI_OPCODES.close, payload, { mask: true }));
  }

  #write(frame: Buffer): boolean {
    if (!this.socket.writable) return false;
    this.socket.write(frame);
    if (this.#trace) this.emit('frame', 'out', frame);
    return true;
  }
}

/** Opens a hybi-07 connection to a `ws:` or `wss:` URL. */
export async function connectHybi07(options: ResolvedClientOptions): Promise<ProtocolClient> {
  const url = new URL(options.url);
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new TypeError(`url must start with ws: or wss: for hybi-07, got ${url.protocol}`);
  }
  const secure = url.protocol === 'wss:';
  const handshake = createClientHandshake(
    'hybi-07',
    { host: url.host, resource: `${url.pathname || '/'}${url.search}` },
    { origin: options.origin, headers: options.headers },
  );
  let received = Buffer.alloc(0);
  const request = Buffer.concat([handshake.head, handshake.body]);
  const { socket, response } = await performRawHandshake({
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port !== '' ? Number(url.port) : secure ? 443 : 80,
    tls: secure ? { ca: options.ca } : undefined,
    request,
    timeoutMs: options.handshakeTimeoutMs,
    read(chunk) {
      received = Buffer.concat([received, chunk]);
      const result = readHandshakeResponse(handshake, received);
      if (result.state === 'failed') throw new Error(`hybi-07 handshake failed: ${result.reason}`);
      return result.state === 'open' ? result.rest : null;
    },
    timedOut: () => new Error(`no handshake from the server in ${options.handshakeTimeoutMs} ms`),
    closed: () => new Error('the server closed the connection mid-handshake'),
  });
  const bytes = options.trace ? splitHandshakeBytes('hybi-07', request, response, 0) : null;
  return new Hybi07Client(socket, options, bytes);
}
