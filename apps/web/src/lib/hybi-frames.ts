/**
 * One hybi frame split into its parts, for the frame inspector: hybi-07, hybi-08 and RFC 6455
 * frame alike (RFC 6455 §5.2). The first byte holds FIN, three RSV bits and the opcode; the
 * second MASK and a 7-bit length (126 and 127 announce a 16- or 64-bit length after it); a
 * client's frame then carries its own 4-byte masking key and the payload XORed with it (§5.3).
 * These are the real bytes of the relay's leg, so a client frame shows the key it really used.
 */
import { type ByteSegment, MASKING_KEY_BYTES, maskPayload } from './wire-bytes.js';

const OPCODE_NAMES: Readonly<Record<number, string>> = {
  0: 'continuation',
  1: 'text',
  2: 'binary',
  8: 'close',
  9: 'ping',
  10: 'pong',
};

/** A hybi frame split into its parts. */
export interface HybiFrame {
  /** The opcode's name (`text`, `close`, `ping`, ...), or `unknown`. */
  readonly kind: string;
  readonly masked: boolean;
  readonly segments: readonly ByteSegment[];
  /** The unmasked payload. */
  readonly payload: Uint8Array;
  /** The payload as text, for text frames. */
  readonly text: string | null;
}

function bitsOf(value: number, count: number): string {
  return value.toString(2).padStart(count, '0');
}

/** Splits a frame into header, length, masking key and payload; `unknown` when it is cut short. */
export function parseHybiFrame(bytes: Uint8Array): HybiFrame {
  const first = bytes[0];
  const second = bytes[1];
  const whole: HybiFrame = {
    kind: 'unknown',
    masked: false,
    payload: bytes,
    text: null,
    segments: [{ role: 'payload', label: 'bytes not framed as a hybi frame', bytes }],
  };
  if (first === undefined || second === undefined) return whole;
  const opcode = first & 0x0f;
  const masked = (second & 0x80) !== 0;
  const code = second & 0x7f;
  const lengthBytes = code === 126 ? 2 : code === 127 ? 8 : 0;
  const keyStart = 2 + lengthBytes;
  const payloadStart = keyStart + (masked ? MASKING_KEY_BYTES : 0);
  if (bytes.length < payloadStart) return whole;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length =
    code === 126 ? view.getUint16(2) : code === 127 ? Number(view.getBigUint64(2)) : code;
  if (bytes.length !== payloadStart + length) return whole;
  const kind = OPCODE_NAMES[opcode] ?? 'unknown';
  const body = bytes.subarray(payloadStart);
  const key = masked ? bytes.subarray(keyStart, payloadStart) : null;
  const payload = key === null ? body : maskPayload(body, key);
  const fin = first >> 7;
  const segments: ByteSegment[] = [
    {
      role: 'header',
      label: `FIN=${fin} RSV=${bitsOf((first >> 4) & 0x7, 3)} opcode=${opcode.toString(16)} (${kind})`,
      bytes: bytes.subarray(0, 1),
    },
    {
      role: 'header',
      label:
        lengthBytes === 0
          ? `MASK=${masked ? 1 : 0}, length ${length}`
          : `MASK=${masked ? 1 : 0}, length code ${code} (extended)`,
      bytes: bytes.subarray(1, 2),
    },
  ];
  if (lengthBytes > 0) {
    segments.push({
      role: 'length',
      label: `extended length ${length} (${lengthBytes * 8}-bit)`,
      bytes: bytes.subarray(2, keyStart),
    });
  }
  if (key !== null) {
    segments.push(
      { role: 'mask', label: 'masking key, this frame’s own', bytes: key },
      { role: 'payload', label: `payload XOR key, ${length} bytes`, bytes: body },
    );
  } else {
    segments.push({ role: 'payload', label: `payload, ${length} bytes`, bytes: body });
  }
  return {
    kind,
    masked,
    payload,
    segments,
    text: kind === 'text' ? new TextDecoder().decode(payload) : null,
  };
}
