/**
 * The same-work bound's reader of client frames (RFC 6455 §5.2): masked, unfragmented frames,
 * unmasked in place in the chunk the socket handed over (nothing else holds it), a text frame
 * decoded to a string for its `say`. It reads what the generator sends and no more: no
 * fragments, no extensions, no UTF-8 validation, no limits. Those are the engines' work, which
 * the bound leaves out on purpose (it is the least work that sends the same bytes).
 */

/** What the reader reports. */
export interface MaskedFrameSink {
  onText(text: string): void;
  onPing(payload: Buffer): void;
  onClose(): void;
}

const OPCODE_TEXT = 0x1;
const OPCODE_CLOSE = 0x8;
const OPCODE_PING = 0x9;

/** Reads client frames across socket chunks. */
export class MaskedFrameReader {
  readonly #sink: MaskedFrameSink;
  #pending: Buffer | undefined;

  constructor(sink: MaskedFrameSink) {
    this.#sink = sink;
  }

  /** Consumes one chunk from the socket (it may be modified). */
  push(chunk: Buffer): void {
    const data = this.#pending === undefined ? chunk : Buffer.concat([this.#pending, chunk]);
    this.#pending = undefined;
    let offset = 0;
    while (offset + 2 <= data.length) {
      const first = data[offset] ?? 0;
      const second = data[offset + 1] ?? 0;
      let length = second & 0x7f;
      let header = 2;
      if (length === 126) {
        if (offset + 4 > data.length) break;
        length = data.readUInt16BE(offset + 2);
        header = 4;
      } else if (length === 127) {
        if (offset + 10 > data.length) break;
        length = Number(data.readBigUInt64BE(offset + 2));
        header = 10;
      }
      const maskAt = offset + header;
      const masked = (second & 0x80) !== 0;
      const payloadAt = maskAt + (masked ? 4 : 0);
      const end = payloadAt + length;
      if (end > data.length) break;
      if (masked) {
        for (let i = 0; i < length; i += 1) {
          data[payloadAt + i] = (data[payloadAt + i] ?? 0) ^ (data[maskAt + (i & 3)] ?? 0);
        }
      }
      offset = end;
      const opcode = first & 0x0f;
      if (opcode === OPCODE_TEXT) this.#sink.onText(data.toString('utf8', payloadAt, end));
      else if (opcode === OPCODE_PING)
        this.#sink.onPing(Buffer.from(data.subarray(payloadAt, end)));
      else if (opcode === OPCODE_CLOSE) {
        this.#sink.onClose();
        return;
      }
    }
    if (offset < data.length) this.#pending = data.subarray(offset);
  }
}
