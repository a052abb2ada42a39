/**
 * Byte-level views of one chat frame, for the wire inspector.
 *
 * Hixie drafts (draft-hixie-thewebsocketprotocol-75 §4.2, -76 §5.2) frame text as a 0x00
 * byte, the UTF-8 payload, and a 0xFF byte; draft-76 closes with the two bytes FF 00. The
 * payload cannot contain 0xFF because UTF-8 never produces it, which is what makes that
 * sentinel framing work, and why the drafts had no room for binary data.
 *
 * RFC 6455 §5.2 frames the same payload with a header instead: FIN, three RSV bits and a
 * 4-bit opcode (0x1, text) in the first byte; the MASK bit and a 7-bit length in the second;
 * lengths 126 and 127 announce a 16- or 64-bit extended length. A server's frame is unmasked;
 * a client's sets MASK, adds a 4-byte masking key and XORs the payload with it (§5.1, §5.3),
 * so that bytes a script chooses never reach the network as they are and cannot pass for a
 * request to a cache or proxy in between (§10.3). The drafts had no masking at all.
 */

/** Opcode of an RFC 6455 text frame. */
export const RFC6455_TEXT_OPCODE = 0x1;

const FIN_BIT = 0x80;
const MASK_BIT = 0x80;
const LENGTH_16_MARKER = 126;
const LENGTH_64_MARKER = 127;
const MAX_7_BIT_LENGTH = 125;
const MAX_16_BIT_LENGTH = 0xffff;
const HIXIE_FRAME_START = 0x00;

/** Length of an RFC 6455 masking key (§5.3). */
export const MASKING_KEY_BYTES = 4;
const HIXIE_FRAME_END = 0xff;

/** What a run of bytes is, which the inspector colours and labels. */
export type SegmentRole = 'marker' | 'header' | 'length' | 'mask' | 'payload';

/** A labelled run of bytes inside a frame. */
export interface ByteSegment {
  readonly role: SegmentRole;
  readonly label: string;
  readonly bytes: Uint8Array;
}

/** A hixie frame split into its parts. */
export interface HixieFrame {
  readonly kind: 'text' | 'close' | 'unknown';
  readonly segments: readonly ByteSegment[];
  /** The payload as text (for text frames). */
  readonly text: string | null;
}

/** Decodes base64 (as `wire` messages carry bytes) to bytes. */
export function decodeBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Two upper-case hex digits per byte, separated by spaces: `00 7B FF`. */
export function formatHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

/** Like `formatHex`, but only the first `limit` bytes, with a count of the rest. */
export function formatHexPreview(bytes: Uint8Array, limit: number): string {
  if (bytes.length <= limit) return formatHex(bytes);
  return `${formatHex(bytes.subarray(0, limit))} … +${bytes.length - limit} bytes`;
}

/** Splits a hixie frame into its start byte, payload and end byte (or the closing handshake). */
export function parseHixieFrame(bytes: Uint8Array): HixieFrame {
  const last = bytes.length - 1;
  if (bytes.length === 2 && bytes[0] === HIXIE_FRAME_END && bytes[1] === HIXIE_FRAME_START) {
    return {
      kind: 'close',
      text: null,
      segments: [{ role: 'marker', label: 'closing handshake (FF 00)', bytes }],
    };
  }
  if (bytes.length >= 2 && bytes[0] === HIXIE_FRAME_START && bytes[last] === HIXIE_FRAME_END) {
    const payload = bytes.subarray(1, last);
    return {
      kind: 'text',
      text: new TextDecoder().decode(payload),
      segments: [
        { role: 'marker', label: 'frame start 0x00', bytes: bytes.subarray(0, 1) },
        { role: 'payload', label: `UTF-8 payload, ${payload.length} bytes`, bytes: payload },
        { role: 'marker', label: 'frame end 0xFF', bytes: bytes.subarray(last) },
      ],
    };
  }
  return {
    kind: 'unknown',
    text: null,
    segments: [{ role: 'payload', label: 'bytes not framed as a hixie text frame', bytes }],
  };
}

/** The RFC 6455 header of a final text frame carrying `payloadLength` bytes, up to the masking key. */
export function createRfc6455Header(payloadLength: number, masked = false): Uint8Array {
  const mask = masked ? MASK_BIT : 0;
  const first = FIN_BIT | RFC6455_TEXT_OPCODE;
  if (payloadLength <= MAX_7_BIT_LENGTH) return Uint8Array.of(first, mask | payloadLength);
  if (payloadLength <= MAX_16_BIT_LENGTH) {
    return Uint8Array.of(first, mask | LENGTH_16_MARKER, payloadLength >> 8, payloadLength & 0xff);
  }
  const header = new Uint8Array(10);
  header[0] = first;
  header[1] = mask | LENGTH_64_MARKER;
  new DataView(header.buffer).setBigUint64(2, BigInt(payloadLength));
  return header;
}

/** XORs a payload with a masking key as RFC 6455 §5.3 says: byte i with key byte i mod 4. */
export function maskPayload(payload: Uint8Array, maskingKey: Uint8Array): Uint8Array {
  if (maskingKey.length !== MASKING_KEY_BYTES) {
    throw new RangeError(`a masking key is ${MASKING_KEY_BYTES} bytes, not ${maskingKey.length}`);
  }
  return payload.map((byte, i) => byte ^ (maskingKey[i % MASKING_KEY_BYTES] ?? 0));
}

/**
 * The RFC 6455 frame for a payload, split into labelled parts: a server's (unmasked) when
 * `maskingKey` is null, else a client's, with MASK=1, the key and the masked payload.
 */
export function describeRfc6455Frame(
  payload: Uint8Array,
  maskingKey: Uint8Array | null,
): ByteSegment[] {
  const masked = maskingKey !== null;
  const header = createRfc6455Header(payload.length, masked);
  const lengthCode = (header[1] ?? 0) & 0x7f;
  const maskFlag = `MASK=${masked ? 1 : 0}`;
  const segments: ByteSegment[] = [
    {
      role: 'header',
      label: 'FIN=1 RSV=000 opcode=1 (text)',
      bytes: header.subarray(0, 1),
    },
    {
      role: 'header',
      label:
        lengthCode <= MAX_7_BIT_LENGTH
          ? `${maskFlag}, length ${payload.length}`
          : `${maskFlag}, length code ${lengthCode} (extended)`,
      bytes: header.subarray(1, 2),
    },
  ];
  if (header.length > 2) {
    segments.push({
      role: 'length',
      label: `extended length ${payload.length} (${header.length === 4 ? 16 : 64}-bit)`,
      bytes: header.subarray(2),
    });
  }
  if (maskingKey === null) {
    segments.push({
      role: 'payload',
      label: `UTF-8 payload, ${payload.length} bytes`,
      bytes: payload,
    });
    return segments;
  }
  segments.push(
    { role: 'mask', label: 'masking key, random per frame', bytes: maskingKey },
    {
      role: 'payload',
      label: `payload XOR key, ${payload.length} bytes`,
      bytes: maskPayload(payload, maskingKey),
    },
  );
  return segments;
}

/** The `type` of a chat frame's JSON payload, for a one-word label; null if it is not one. */
export function readFrameType(text: string | null): string | null {
  if (text === null) return null;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'type' in parsed) {
      const { type } = parsed;
      return typeof type === 'string' ? type : null;
    }
  } catch {
    // A frame that is not JSON simply has no label.
  }
  return null;
}
