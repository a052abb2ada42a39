/**
 * One rule on both engines for the data frames of hybi and RFC 6455: how fragments make a
 * message (RFC 6455 §5.4), what a message may cost, and when its text is refused. Each adapter
 * hands its engine's data frames here instead of letting the engine assemble them, because:
 *
 * - WebSocket-Node 1.0.35 keeps every fragment of an unfinished message as a frame object, and
 *   an empty continuation adds nothing to the message size, so no limit ever ends a message
 *   made of millions of empty frames (and one-byte fragments cost ~300 times their bytes).
 *   Here a message is at most `maxFragments` frames and `maxMessageBytes` bytes; its text is
 *   decoded as it comes, so an unfinished message holds its decoded text and nothing else.
 * - Invalid UTF-8 fails the connection at the fragment that holds it (1007), not at the end
 *   of the message (RFC 6455 §8.1: "MUST _Fail the WebSocket Connection_" once it is known).
 *   Not sooner than its fragment: both engines hand over a frame only once all of it has
 *   arrived, so bad bytes early in a large frame are found when the frame ends (Autobahn's case
 *   6.4.3 counts that as non-strict). Reading inside a frame would mean parsing frames here.
 */
import { isUtf8 } from 'node:buffer';
import { TextDecoder } from 'node:util';
import { CLOSE_CODES } from '../connection.js';

/** Where assembled messages and failures go. */
export interface AssembledMessages {
  receiveText(text: string): void;
  receiveBinary(data: Buffer): void;
  /** The message broke a rule: close with `code`; nothing more is assembled. */
  failMessage(code: number, reason: string): void;
}

/** The RFC 6455 opcodes of data frames. */
export const OPCODE_CONTINUATION = 0x0;
export const OPCODE_TEXT = 0x1;
export const OPCODE_BINARY = 0x2;

const FATAL = { fatal: true } as const;
const STREAM = { stream: true } as const;

/** Assembles one connection's data frames into messages. */
export class MessageAssembler {
  readonly #maxBytes: number;
  readonly #maxFragments: number;
  readonly #on: AssembledMessages;
  // Opcode of the message in progress, or -1 between messages.
  #opcode = -1;
  #fragments = 0;
  #bytes = 0;
  #parts: (string | Buffer)[] | undefined;
  #decoder: TextDecoder | undefined;

  constructor(maxBytes: number, maxFragments: number, on: AssembledMessages) {
    this.#maxBytes = maxBytes;
    this.#maxFragments = maxFragments;
    this.#on = on;
  }

  /** Takes one data frame (opcode 0, 1 or 2), unmasked. */
  frame(opcode: number, fin: boolean, payload: Buffer): void {
    if (opcode === OPCODE_CONTINUATION) {
      if (this.#opcode === -1) {
        this.#fail(CLOSE_CODES.protocolError, 'Unexpected continuation frame.');
        return;
      }
    } else if (this.#opcode !== -1) {
      this.#fail(CLOSE_CODES.protocolError, 'A new message began before the last one ended.');
      return;
    } else if (fin) {
      deliverWholeMessage(opcode, payload, this.#maxBytes, this.#on);
      return;
    } else {
      this.#opcode = opcode;
    }
    this.#fragments += 1;
    this.#bytes += payload.length;
    if (this.#fragments > this.#maxFragments) {
      this.#fail(CLOSE_CODES.policyViolation, 'Too many message fragments.');
      return;
    }
    if (this.#bytes > this.#maxBytes) {
      this.#fail(CLOSE_CODES.messageTooBig, 'Message too big.');
      return;
    }
    if (this.#opcode === OPCODE_TEXT) {
      this.#decoder ??= new TextDecoder('utf-8', FATAL);
      let text: string;
      try {
        // Streaming keeps a character split between fragments; fatal throws at the first byte
        // that cannot be UTF-8, and at the end on a character left unfinished.
        text = this.#decoder.decode(payload, fin ? undefined : STREAM);
      } catch {
        this.#fail(CLOSE_CODES.invalidPayload, 'Invalid UTF-8 in a text message.');
        return;
      }
      if (text !== '') this.#keep(text);
    } else if (payload.length > 0) {
      // A copy: the engine may reuse the buffer the payload lies in.
      this.#keep(Buffer.from(payload));
    }
    if (!fin) return;
    const opcodeDone = this.#opcode;
    const parts = this.#parts ?? [];
    this.#reset();
    if (opcodeDone === OPCODE_TEXT) this.#on.receiveText((parts as string[]).join(''));
    else this.#on.receiveBinary(Buffer.concat(parts as Buffer[]));
  }

  #keep(part: string | Buffer): void {
    if (this.#parts === undefined) this.#parts = [part];
    else this.#parts.push(part);
  }

  #reset(): void {
    this.#opcode = -1;
    this.#fragments = 0;
    this.#bytes = 0;
    this.#parts = undefined;
  }

  #fail(code: number, reason: string): void {
    this.#reset();
    this.#decoder = undefined;
    this.#on.failMessage(code, reason);
  }
}

/** A data frame that is a whole message (FIN set, not a continuation), outside any message. */
export function deliverWholeMessage(
  opcode: number,
  payload: Buffer,
  maxBytes: number,
  on: AssembledMessages,
): void {
  if (payload.length > maxBytes) {
    on.failMessage(CLOSE_CODES.messageTooBig, 'Message too big.');
  } else if (opcode === OPCODE_BINARY) {
    on.receiveBinary(payload);
  } else if (isUtf8(payload)) {
    on.receiveText(payload.toString('utf8'));
  } else {
    on.failMessage(CLOSE_CODES.invalidPayload, 'Invalid UTF-8 in a text message.');
  }
}

/**
 * Whether a peer may send `code` in a Close frame (RFC 6455 §7.4.1, §7.4.2): 1004, 1005, 1006
 * and 1015 are reserved and must never be sent, 0-999 are unused, 1016-2999 are for future
 * revisions of the protocol; 1012-1014 were registered with IANA since (as `ws` accepts them).
 */
export function isValidCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1003) ||
    (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999)
  );
}
