/**
 * A raw WebSocket session of any protocol for the hardening tests: a correct handshake, then
 * whatever bytes the test writes, and the server's frames read back without a library that
 * might forgive or hide them.
 */
import {
  endOfHead,
  HIXIE76_KEY3,
  hixie75Head,
  hixie76Head,
  hixieFrame,
  hybiFrame,
  openRaw,
  type RawPeer,
  rfc6455Head,
} from './hostile-peer.js';

/** The protocols a raw session speaks. */
export const RAW_PROTOCOLS = ['rfc6455', 'hybi-08', 'hybi-07', 'hixie-76', 'hixie-75'] as const;

/** One of them. */
export type RawProtocol = (typeof RAW_PROTOCOLS)[number];

/** A frame the server sent. */
export type ServerFrame =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'close'; readonly code: number | undefined }
  | { readonly kind: 'control'; readonly opcode: number; readonly payload: Buffer };

/** An open raw session. */
export interface RawSession {
  readonly protocol: RawProtocol;
  readonly peer: RawPeer;
  /** Sends one text message framed correctly for the protocol. */
  sendText(text: string): void;
  /** Sends bytes exactly as given. */
  sendRaw(bytes: Buffer): void;
  /** Every complete frame the server sent since the handshake. */
  frames(): ServerFrame[];
  /** Every text message parsed as JSON (non-JSON texts are skipped). */
  messages(): { type: string; [key: string]: unknown }[];
  /** Resolves once a frame matches; rejects after `timeoutMs`. */
  waitForFrame(predicate: (frame: ServerFrame) => boolean, timeoutMs?: number): Promise<void>;
}

const isHixie = (protocol: RawProtocol) => protocol === 'hixie-76' || protocol === 'hixie-75';

function parseHybi(data: Buffer): ServerFrame[] {
  const frames: ServerFrame[] = [];
  let offset = 0;
  while (offset + 2 <= data.length) {
    const opcode = (data[offset] ?? 0) & 0x0f;
    let length = (data[offset + 1] ?? 0) & 0x7f;
    let start = offset + 2;
    if (length === 126) {
      if (data.length < offset + 4) break;
      length = data.readUInt16BE(offset + 2);
      start = offset + 4;
    } else if (length === 127) {
      if (data.length < offset + 10) break;
      length = Number(data.readBigUInt64BE(offset + 2));
      start = offset + 10;
    }
    if (start + length > data.length) break;
    const payload = data.subarray(start, start + length);
    if (opcode === 1) frames.push({ kind: 'text', text: payload.toString('utf8') });
    else if (opcode === 8)
      frames.push({ kind: 'close', code: length >= 2 ? payload.readUInt16BE(0) : undefined });
    else frames.push({ kind: 'control', opcode, payload });
    offset = start + length;
  }
  return frames;
}

function parseHixie(data: Buffer): ServerFrame[] {
  const frames: ServerFrame[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (data[offset] === 0xff && data[offset + 1] === 0x00) {
      frames.push({ kind: 'close', code: undefined });
      offset += 2;
      continue;
    }
    const end = data.indexOf(0xff, offset + 1);
    if (end === -1) break;
    frames.push({ kind: 'text', text: data.subarray(offset + 1, end).toString('utf8') });
    offset = end + 1;
  }
  return frames;
}

/** Opens a session of `protocol` on `/ws` (or `target`), handshake complete. */
export async function openSession(
  port: number,
  protocol: RawProtocol,
  target = '/ws',
): Promise<RawSession> {
  const head =
    protocol === 'hixie-76'
      ? Buffer.concat([Buffer.from(hixie76Head(port, target)), HIXIE76_KEY3])
      : protocol === 'hixie-75'
        ? hixie75Head(port, target)
        : rfc6455Head(port, { rfc6455: '13', 'hybi-08': '8', 'hybi-07': '7' }[protocol], target);
  const peer = await openRaw(port, head);
  const extra = protocol === 'hixie-76' ? 16 : 0;
  const data = await peer.waitFor((d) => endOfHead(d) > 0 && d.length >= endOfHead(d) + extra);
  if (!data.toString('latin1').startsWith('HTTP/1.1 101')) {
    throw new Error(`no 101 for ${protocol}: ${data.toString('latin1').slice(0, 80)}`);
  }
  const start = endOfHead(data) + extra;
  const frames = () => {
    const body = peer.received().subarray(start);
    return isHixie(protocol) ? parseHixie(body) : parseHybi(body);
  };
  return {
    protocol,
    peer,
    sendText: (text) =>
      peer.socket.write(isHixie(protocol) ? hixieFrame(text) : hybiFrame(1, Buffer.from(text))),
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
