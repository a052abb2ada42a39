/** Hand-made client frames for raw-wire tests, from the package's one hybi frame builder. */
import { encodeHybiFrame, type HybiFrameOptions } from '../hybi/hybi-frames.js';

/**
 * A hybi frame as a client sends it: masked with a fresh key (RFC 6455 §5.3) unless `mask`
 * says otherwise (`false` sends the unmasked frame a server must refuse, §5.1).
 */
export function clientFrame(
  opcode: number,
  payload: Uint8Array,
  options: HybiFrameOptions = {},
): Buffer {
  return encodeHybiFrame(opcode, payload, { mask: true, ...options });
}
