/**
 * A raw WebSocket session of any protocol: a correct handshake, then whatever bytes the test
 * writes, and the server's frames read back by the package's codecs, never by a library client
 * that might forgive or hide them.
 */
import { encodeHixieTextFrame, HixieFrameReader } from '../hixie/hixie-frames.js';
import { HYBI_OPCODES, HybiFrameReader } from '../hybi/hybi-frames.js';
import type { Protocol } from '../protocols.js';
import { clientFrame } from './frames.js';
import { connectRaw, endOfHead, type RawPeer, type RawPeerOptions } from './raw-peer.js';
import { upgradeRequest } from './requests.js';

/** A frame the server sent. */
export type ServerFrame =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'binary'; readonly payload: Buffer }
  | { readonly kind: 'close'; readonly code: number | undefined }
  | { readonly kind: 'control'; readonly opcode: number; readonly payload: Buffer };

/** A session past a correct handshake: what the test writes goes out as given, and what the server sent is read back frame by frame. */
export interface RawSession {
  readonly protocol: Protocol;
  readonly peer: RawPeer;
  /** Sends one text message framed correctly for the protocol. */
  sendText(text: string): void;
  /** Sends bytes exactly as given. */
  sendRaw(bytes: Uint8Array): void;
  /** Every complete frame the server sent since the handshake. */
  frames(): ServerFrame[];
  /** Every text message parsed as JSON (non-JSON texts are skipped). */
  messages(): { type: string; [key: string]: unknown }[];
  /** Resolves once a frame matches; rejects after `timeoutMs` (default 3000). */
  waitForFrame(predicate: (frame: ServerFrame) => boolean, timeoutMs?: number): Promise<void>;
}

const isHixie = (protocol: Protocol) => protocol === 'hixie-76' || protocol === 'hixie-75';

/** One text message as a client of `protocol` frames it (masked on hybi, `00 .. FF` on the drafts). */
export function clientTextFrame(protocol: Protocol, text: string): Buffer {
  return isHixie(protocol)
    ? encodeHixieTextFrame(text)
    : clientFrame(HYBI_OPCODES.text, Buffer.from(text));
}

function readHybi(data: Buffer): ServerFrame[] {
  const frames: ServerFrame[] = [];
  new HybiFrameReader({
    onMessage: (opcode, payload) =>
      frames.push(
        opcode === HYBI_OPCODES.text
          ? { kind: 'text', text: payload.toString('utf8') }
          : { kind: 'binary', payload },
      ),
    onControl: (opcode, payload) =>
      frames.push(
        opcode === HYBI_OPCODES.close
          ? { kind: 'close', code: payload.length >= 2 ? payload.readUInt16BE(0) : undefined }
          : { kind: 'control', opcode, payload },
      ),
  }).push(data);
  return frames;
}

function readHixie(data: Buffer): ServerFrame[] {
  const frames: ServerFrame[] = [];
  new HixieFrameReader(
    {
      onText: (payload) => frames.push({ kind: 'text', text: String(payload) }),
      onClose: () => frames.push({ kind: 'close', code: undefined }),
      onTooLarge: () => {},
    },
    { maxPayloadBytes: Number.MAX_SAFE_INTEGER },
  ).push(data);
  return frames;
}

/**
 * Opens a session of `protocol` to 127.0.0.1:`port` on `/ws` (or `target`), handshake complete;
 * `options` are the raw peer's (`allowHalfOpen` to keep writing after the server's FIN).
 */
export async function openRawSession(
  port: number,
  protocol: Protocol,
  target = '/ws',
  options: RawPeerOptions = {},
): Promise<RawSession> {
  const peer = await connectRaw(port, upgradeRequest(protocol, port, { target }), options);
  const extra = protocol === 'hixie-76' ? 16 : 0;
  const data = await peer.waitFor((d) => endOfHead(d) > 0 && d.length >= endOfHead(d) + extra);
  if (!data.toString('latin1').startsWith('HTTP/1.1 101')) {
    throw new Error(`no 101 for ${protocol}: ${data.toString('latin1').slice(0, 80)}`);
  }
  const start = endOfHead(data) + extra;
  const frames = () => {
    const body = peer.received().subarray(start);
    return isHixie(protocol) ? readHixie(body) : readHybi(body);
  };
  return {
    protocol,
    peer,
    sendText: (text) => peer.socket.write(clientTextFrame(protocol, text)),
    sendRaw: (bytes) => peer.socket.write(bytes),
    frames,
    messages: () =>
      frames().flatMap((frame) => {
        if (frame.kind !== 'text') return [];
        try {
          return [JSON.parse(frame.text)];
        } catch {
          return [];
        }
      }),
    waitForFrame: async (predicate, timeoutMs = 3000) => {
      await peer.waitFor(() => frames().some(predicate), timeoutMs);
    },
  };
}
