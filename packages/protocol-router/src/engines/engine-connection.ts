/**
 * The `Connection` both adapters return. It owns what the engines do not agree on or do not do
 * at all: one close event with a code, a close timeout, the outbox every frame leaves through
 * (outbox.ts), and the bounds that keep one connection from holding the server:
 *
 * - Slow readers. After every turn the backlog (the outbox plus what the socket has not handed
 *   to the kernel) is compared with `maxBufferedBytes`; past it the socket is destroyed at once,
 *   because a Close would only queue behind the backlog the peer is not reading. Past
 *   `BACKLOG_PAUSE_BYTES` (or half the bound, if less), and until the socket drains, the
 *   connection also stops reading from it: a peer that does not read its answers does not get
 *   more requests served (the answers would pile up). Not at the socket's high-water mark
 *   already: a member of a busy room that reads, only not as fast as a burst arrives, waits a
 *   turn or two for the kernel, and pausing its input then would hold every message it sends
 *   (in a bench burst to a room of 100 the room's pace fell to its slowest drain: 0.89x of the
 *   same-work bound against 1.15x without).
 * - Inbound budget. Every byte read and every frame (at `FRAME_COST_BYTES` on top of its bytes,
 *   which is what parsing one costs) takes from a token bucket of `inboundBytesPerSecond`;
 *   when it runs dry the connection stops reading until it refills. TCP then slows the
 *   sender: nothing is dropped and nobody is closed for sending fast, but a flood of empty
 *   frames or pings costs the server a bounded share of its CPU.
 * - A turn's share. Input is parsed in the loop's check phase (`setImmediate`), never in the
 *   callback that read it, and each connection parses at most `INPUT_FRAMES_PER_TURN` frames
 *   (or `INPUT_BYTES_PER_TURN` bytes) of fresh input, or four times that of input left over
 *   from earlier turns, in one event-loop turn, then waits for the next: many
 *   connections that all send at once take turns instead of holding the loop in a row, and a
 *   burst still leaves in one write per member for many messages. One parse is scheduled per
 *   connection at a time however many chunks arrive (a parse per chunk read let a socket that
 *   delivered four chunks in a turn parse four shares, and a turn of a hundred attackers grow
 *   to 17 000 frames and 160-250 ms). All of a turn's parsing is one `setImmediate`: first a
 *   share for every connection whose input is fresh (nothing of it was waiting), then shares
 *   for those with input left over from earlier turns until `INPUT_TURN_MS` have gone; those
 *   not reached keep their place for the next turn. So a member's message is parsed in the
 *   turn it arrives however many sockets flood, and its answer leaves in that turn too: the
 *   write turn runs right after. Past `INPUT_WAITING_BYTES` read and not parsed (or the
 *   largest frame the limits allow, if more), the socket is not read either. An engine that
 *   parses whole chunks at once (websocket-driver) is fed through `feedInput`, in slices that
 *   cannot overrun the share; WebSocket-Node's own read loop is run by its adapter in
 *   `parseTurn`. Neither parses while reading is paused for the budget or the backlog, so the
 *   budget holds inside a 64 KiB chunk of tiny frames too.
 * - Silence. A connection that makes no progress for `idleTimeoutMs` (sends nothing, or leaves
 *   its backlog undrained) is closed (1001). Clients ping (a ping frame, a pong, or the chat's
 *   JSON ping on the drafts, which have no ping frame) more often than that; the sweep that
 *   checks runs four times per timeout.
 */
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { CLOSE_CODES, type Connection, type ConnectionEvents } from '../connection.js';
import {
  BACKLOG_PAUSE_BYTES,
  FRAME_COST_BYTES,
  INPUT_BYTES_PER_TURN,
  INPUT_FRAMES_PER_TURN,
  INPUT_TURN_MS,
  LEFTOVER_BYTES_PER_TURN,
  LEFTOVER_FRAMES_PER_TURN,
} from '../constants.js';
import { encodeHybiFrame, HYBI_OPCODES } from '../hybi/hybi-frames.js';
import { destroySocketNow, type Outbox, type OutboxOwner, runWriteTurn } from '../outbox.js';
import { encodeHybiPongFrame, type PreparedBatch, PreparedMessage } from '../prepared-message.js';
import { type Engine, type FrameFamily, frameFamilyOf, type Protocol } from '../protocols.js';
import type { EngineContext, EngineLimits } from './engine.js';
import {
  type AssembledMessages,
  deliverWholeMessage,
  MessageAssembler,
  OPCODE_CONTINUATION,
} from './message-assembler.js';

// Why the connection stopped reading; reading resumes when no reason is left.
const PAUSED_FOR_BACKLOG = 1;
const PAUSED_FOR_BUDGET = 2;
const PAUSED_FOR_INPUT = 4;

/**
 * Bytes waiting to be parsed past which the socket is not read: one read's worth, or the
 * largest frame the limits allow if that is more (an engine that keeps a partial frame in its
 * own buffer, as WebSocket-Node does, must be able to read all of it).
 */
const INPUT_WAITING_BYTES = 64 * 1024;

/** The longest frame header: 2 bytes, an 8-byte length and the masking key (RFC 6455 §5.2). */
const LONGEST_FRAME_HEADER_BYTES = 14;

/**
 * Every connection's silence, checked by one timer for all of them (a timer per connection
 * costs memory, and resetting it on every frame costs time). The sweep runs every `periodMs`;
 * a connection quiet for `pingAfterTicks` sweeps is pinged (hybi and RFC 6455; the drafts have
 * no ping frame), one quiet for more than `closeAfterTicks` is closed.
 */
export class IdleSweep {
  readonly periodMs: number;
  readonly pingAfterTicks: number;
  readonly closeAfterTicks: number;
  readonly #connections = new Set<EngineConnection>();
  #timer: NodeJS.Timeout | undefined;

  /** `idleTimeoutMs` and `pingIntervalMs` may each be Infinity (or 0): no close, no ping. */
  constructor(idleTimeoutMs: number, pingIntervalMs: number) {
    const idle = idleTimeoutMs > 0 ? idleTimeoutMs : Number.POSITIVE_INFINITY;
    const ping = pingIntervalMs > 0 ? pingIntervalMs : Number.POSITIVE_INFINITY;
    this.periodMs = Math.min(idle / 4, ping / 2);
    this.pingAfterTicks = Math.ceil(ping / this.periodMs);
    this.closeAfterTicks = Math.ceil(idle / this.periodMs);
  }

  add(connection: EngineConnection): void {
    if (!Number.isFinite(this.periodMs)) return;
    this.#connections.add(connection);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => this.#sweep(), this.periodMs);
      this.#timer.unref();
    }
  }

  delete(connection: EngineConnection): void {
    this.#connections.delete(connection);
    if (this.#connections.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  #sweep(): void {
    for (const connection of this.#connections) connection.idleTick(this);
  }
}

/** How much one connection parses in one turn: frames, and bytes after which no more frames. */
interface Share {
  readonly frames: number;
  readonly bytes: number;
}
const FRESH_SHARE: Share = { frames: INPUT_FRAMES_PER_TURN, bytes: INPUT_BYTES_PER_TURN };
const LEFTOVER_SHARE: Share = { frames: LEFTOVER_FRAMES_PER_TURN, bytes: LEFTOVER_BYTES_PER_TURN };

// The connections whose input is parsed in the next input turn (one setImmediate for all), the
// share of the one parsing now, and the clock read when its share began (NaN outside a share).
// Every frame of a share is charged to the inbound budget at that one time: a share is at most
// 64 frames (256 left over), parsed and answered in about a millisecond at most (256 chat
// messages at 5 us each), and a refill that is late by that much only refills later, never
// more (in 100 rooms x 10, a clock read per frame was 1.4% of the server's busy time).
const inputTurn: {
  fresh: EngineConnection[];
  continuing: EngineConnection[];
  scheduled: boolean;
  share: Share;
  shareStartedAt: number;
} = { fresh: [], continuing: [], scheduled: false, share: FRESH_SHARE, shareStartedAt: Number.NaN };

/**
 * A monotonic clock in milliseconds that is read once per input share: inside one, the time the
 * share began; outside, `performance.now()`. What meters a connection's input (the inbound
 * budget here, the chat's rate limit) reads it for every frame at the cost of a field.
 */
export function inputClock(): number {
  const { shareStartedAt } = inputTurn;
  return Number.isNaN(shareStartedAt) ? performance.now() : shareStartedAt;
}

// Sent by the idle sweep to a quiet hybi or RFC 6455 peer, which must answer it (RFC 6455 §5.5.2).
const IDLE_PING_FRAME = encodeHybiFrame(HYBI_OPCODES.ping, Buffer.alloc(0));

/**
 * Shared Connection implementation. An adapter subclasses it for its engine (how to close it,
 * how to stop it with a code, what it buffers) and feeds it through `received`, `feedInput`,
 * `receiveDataFrame`, `receiveText` and `closed`. One object per connection, methods on the
 * prototype: an idle connection costs its fields and nothing per listener or callback.
 */
export abstract class EngineConnection
  extends EventEmitter<ConnectionEvents>
  implements Connection, OutboxOwner, AssembledMessages
{
  readonly protocol: Protocol;
  readonly engine: Engine;
  readonly path: string;
  readonly origin: string | undefined;
  readonly headers: IncomingHttpHeaders;
  // Set when a trusted proxy said who the client is; otherwise it is the socket's peer.
  readonly #forwardedFor: string | undefined;
  readonly #search: string;
  #query: URLSearchParams | undefined;
  readonly #socket: Socket;
  readonly #outbox: Outbox;
  readonly #family: FrameFamily;
  readonly #limits: EngineLimits;
  readonly #sweep: IdleSweep | undefined;
  // Created by the first fragmented message: whole frames, most of them, need no state.
  #assembler: MessageAssembler | undefined;
  #open = true;
  #closing = false;
  #closed = false;
  #terminatedFor: string | undefined;
  #pausedFor = 0;
  #tokens: number;
  #refilledAt: number;
  #budgetTimer: NodeJS.Timeout | undefined;
  #onResume: (() => void) | undefined;
  #idleTicks = 0;
  #pendingInput: Buffer | undefined;
  // True while this connection is in one of `inputTurn`'s lists.
  #parseScheduled = false;
  #framesThisTurn = 0;

  constructor(context: EngineContext) {
    super();
    const { socket, outbox, decision, limits, sweep } = context;
    this.protocol = decision.protocol;
    this.engine = decision.engine;
    this.path = decision.path;
    // The query string, parsed only if someone asks: most connections never do.
    this.#search = decision.search;
    this.origin = decision.origin;
    this.#forwardedFor = decision.forwarding.clientAddress;
    this.headers = context.request.headers;
    this.#socket = socket;
    this.#outbox = outbox;
    this.#family = frameFamilyOf(decision.protocol);
    this.#limits = limits;
    this.#tokens = limits.inboundBurstBytes;
    this.#refilledAt = inputClock();
    this.#sweep = sweep;
    outbox.setOwner(this);
    sweep?.add(this);
  }

  /** Starts the engine's own closing handshake. */
  protected abstract closeEngine(code: number, reason: string): void;

  /** Fails the connection at once with `code` (a broken rule: 1002, 1007, 1008, 1009). */
  protected abstract failEngine(code: number, reason: string): void;

  /** Bytes the engine holds that are not yet in the socket. */
  protected engineBuffered(): number {
    return 0;
  }

  /**
   * Parses the start of `bytes` (given to `feedInput`), for an engine that parses whole chunks:
   * no more than `maxFrames` complete frames. Returns how many bytes it consumed.
   */
  protected consumeInput(_bytes: Buffer, _maxFrames: number): number {
    throw new Error(`${this.engine} does not take its input through feedInput.`);
  }

  /**
   * Parses up to one turn's share of the input waiting (`shareLeft` says when to stop) and
   * says whether any is left. By default, `feedInput`'s bytes a slice at a time; an engine with
   * its own read loop runs that instead.
   */
  protected parseTurn(): boolean {
    let bytes = 0;
    let pending = this.#pendingInput;
    while (pending !== undefined && this.canParse && this.shareLeft(bytes)) {
      const room = inputTurn.share.bytes - bytes;
      const offer = pending.length > room ? pending.subarray(0, room) : pending;
      const used = this.consumeInput(offer, inputTurn.share.frames - this.#framesThisTurn);
      this.#pendingInput = used < pending.length ? pending.subarray(used) : undefined;
      bytes += used;
      pending = this.#pendingInput;
    }
    return pending !== undefined;
  }

  /** Bytes read and not yet parsed. */
  protected waitingBytes(): number {
    return this.#pendingInput?.length ?? 0;
  }

  /** True while this turn's share is not used up, `bytes` parsed so far this turn. */
  protected shareLeft(bytes: number): boolean {
    const { share } = inputTurn;
    return this.#framesThisTurn < share.frames && bytes < share.bytes;
  }

  /** True while the engine may parse: nothing but waiting input stopped the socket. */
  protected get canParse(): boolean {
    return (this.#pausedFor & ~PAUSED_FOR_INPUT) === 0 && !this.#closed;
  }

  /**
   * Adapter input: bytes were read (and are waiting in `feedInput`'s buffer or the engine's).
   * They are parsed in this turn's check phase; past a read's worth waiting, the socket is not
   * read until they are.
   */
  protected inputArrived(): void {
    if (this.waitingBytes() >= this.#inputWaitingLimit()) this.#pause(PAUSED_FOR_INPUT);
    this.#scheduleParse(false);
  }

  // Node reads the peer's address once per socket, when first asked, and keeps it.
  get remoteAddress(): string {
    return this.#socket.remoteAddress ?? '';
  }

  get clientAddress(): string {
    return this.#forwardedFor ?? this.remoteAddress;
  }

  get remotePort(): number {
    return this.#socket.remotePort ?? 0;
  }

  get query(): URLSearchParams {
    this.#query ??= new URLSearchParams(this.#search);
    return this.#query;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  get bufferedAmount(): number {
    return this.#outbox.bytes + this.#socket.writableLength + this.engineBuffered();
  }

  send(message: string | PreparedMessage): boolean {
    if (!this.#open) return false;
    const prepared = typeof message === 'string' ? new PreparedMessage(message) : message;
    return this.#outbox.push(prepared.frame(this.#family));
  }

  sendBatch(batch: PreparedBatch): boolean {
    if (!this.#open) return false;
    return this.#outbox.pushRun(batch.run(this.#family));
  }

  close(code: number = CLOSE_CODES.normal, reason = ''): void {
    if (this.#closing || this.#closed) return;
    this.#open = false;
    this.#closing = true;
    // A peer that never completes the closing handshake does not keep the socket.
    setTimeout(terminateConnection, this.#limits.closeTimeoutMs, this).unref();
    this.closeEngine(code, reason);
  }

  terminate(): void {
    this.#open = false;
    destroySocketNow(this.#socket);
  }

  /** Adapter input: the engine will send no more data frames (it sent or is sending its Close). */
  engineClosing(): void {
    this.#open = false;
  }

  /** Adapter input: `bytes` arrived on the wire, in `frames` frames (0 while a frame is partial). */
  received(bytes: number, frames: number): void {
    this.#idleTicks = 0;
    this.#framesThisTurn += frames;
    this.#spend(bytes + frames * FRAME_COST_BYTES);
  }

  /**
   * Adapter input: `bytes` from the socket for an engine that parses whole chunks; they reach
   * `consumeInput` in slices, and wait (with what follows) while reading is paused.
   */
  feedInput(bytes: Buffer): void {
    this.#pendingInput =
      this.#pendingInput === undefined ? bytes : Buffer.concat([this.#pendingInput, bytes]);
    this.inputArrived();
  }

  #inputWaitingLimit(): number {
    return Math.max(INPUT_WAITING_BYTES, this.#limits.maxMessageBytes + LONGEST_FRAME_HEADER_BYTES);
  }

  // Fresh input (none was waiting) is parsed first in the next input turn; what is left of
  // earlier input continues after it.
  #scheduleParse(continuing: boolean): void {
    if (this.#parseScheduled || this.#closed) return;
    this.#parseScheduled = true;
    (continuing ? inputTurn.continuing : inputTurn.fresh).push(this);
    if (inputTurn.scheduled) return;
    inputTurn.scheduled = true;
    setImmediate(EngineConnection.#runInputTurn);
  }

  // Every connection with fresh input parses its share, then those with input left parse
  // theirs until the turn has taken INPUT_TURN_MS; the write turn follows, so that what they
  // said leaves in this loop iteration.
  static #runInputTurn(): void {
    inputTurn.scheduled = false;
    const { fresh, continuing } = inputTurn;
    inputTurn.fresh = [];
    inputTurn.continuing = [];
    inputTurn.share = FRESH_SHARE;
    for (const connection of fresh) connection.#parseShare();
    inputTurn.share = LEFTOVER_SHARE;
    const until = performance.now() + INPUT_TURN_MS;
    let reached = 0;
    while (reached < continuing.length) {
      (continuing[reached] as EngineConnection).#parseShare();
      reached += 1;
      if (performance.now() >= until) break;
    }
    if (reached < continuing.length) {
      // Those not reached keep their place, ahead of the ones that had their share.
      inputTurn.continuing = continuing.slice(reached).concat(inputTurn.continuing);
      if (!inputTurn.scheduled) {
        inputTurn.scheduled = true;
        setImmediate(EngineConnection.#runInputTurn);
      }
    }
    inputTurn.share = FRESH_SHARE;
    runWriteTurn();
  }

  // One turn's share now; the rest in the next turn, after every other connection had its own.
  #parseShare(): void {
    this.#parseScheduled = false;
    if (!this.canParse) return;
    this.#framesThisTurn = 0;
    inputTurn.shareStartedAt = performance.now();
    let more: boolean;
    try {
      more = this.parseTurn();
    } finally {
      inputTurn.shareStartedAt = Number.NaN;
    }
    if (this.waitingBytes() < this.#inputWaitingLimit()) this.#unpause(PAUSED_FOR_INPUT);
    // Paused, the rest waits for the unpause, which schedules it.
    if (more && this.canParse) this.#scheduleParse(true);
  }

  /** Adapter input: answer a ping (hybi and RFC 6455); only the latest unanswered one is. */
  sendPong(payload: Buffer): void {
    if (this.#closing || this.#closed) return;
    this.#outbox.pushPong(encodeHybiPongFrame(payload));
  }

  /** Adapter input: one data frame of hybi or RFC 6455 (opcode 0, 1 or 2), unmasked. */
  receiveDataFrame(opcode: number, fin: boolean, payload: Buffer): void {
    if (this.#assembler === undefined) {
      if (fin && opcode !== OPCODE_CONTINUATION) {
        deliverWholeMessage(opcode, payload, this.#limits.maxMessageBytes, this);
        return;
      }
      this.#assembler = new MessageAssembler(
        this.#limits.maxMessageBytes,
        this.#limits.maxFragments,
        this,
      );
    }
    this.#assembler.frame(opcode, fin, payload);
  }

  /** Adapter input: a text message arrived. */
  receiveText(text: string): void {
    if (!this.#closed) this.emit('text', text);
  }

  /** Adapter input: a binary message arrived. */
  receiveBinary(data: Buffer): void {
    if (!this.#closed) this.emit('binary', data);
  }

  /** Assembler input: a message broke a rule. */
  failMessage(code: number, reason: string): void {
    this.failEngine(code, reason);
  }

  /** Adapter input: the engine reported an error. */
  receiveError(error: Error): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  /** Adapter input: the connection is closed; emits `close` once. */
  closed(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing = true;
    this.#open = false;
    this.#sweep?.delete(this);
    clearTimeout(this.#budgetTimer);
    const cause = this.#terminatedFor;
    if (cause === undefined) this.emit('close', code, reason);
    else this.emit('close', CLOSE_CODES.abnormal, cause);
  }

  /** Outbox input: this turn's frames went to the socket (or were kept while it drains). */
  onTurnEnd(): void {
    this.emit('flush');
    if (this.#closed) return;
    const buffered = this.bufferedAmount;
    if (buffered > this.#limits.maxBufferedBytes) {
      this.#terminatedFor = 'slow reader';
      this.emit('overflow', buffered);
      this.terminate();
      return;
    }
    if (
      this.#outbox.held &&
      buffered > Math.min(BACKLOG_PAUSE_BYTES, this.#limits.maxBufferedBytes / 2)
    ) {
      this.#pause(PAUSED_FOR_BACKLOG);
    }
  }

  /** Outbox input: the socket drained. */
  onDrain(): void {
    this.#idleTicks = 0;
    this.#unpause(PAUSED_FOR_BACKLOG);
    this.emit('drain');
  }

  /** Sweep input: one more period of silence went by. */
  idleTick(sweep: IdleSweep): void {
    // A peer we stopped reading because it sends fast is not silent: we are not listening. One
    // we stopped reading because it does not read is making no progress either way.
    if ((this.#pausedFor & (PAUSED_FOR_BUDGET | PAUSED_FOR_INPUT)) !== 0 || this.#closing) return;
    this.#idleTicks += 1;
    if (this.#idleTicks > sweep.closeAfterTicks) {
      this.close(CLOSE_CODES.goingAway, 'idle timeout');
    } else if (this.#idleTicks === sweep.pingAfterTicks && this.#family === 'hybi') {
      this.#outbox.push(IDLE_PING_FRAME);
    }
  }

  #spend(cost: number): void {
    const { inboundBytesPerSecond, inboundBurstBytes } = this.#limits;
    if (!Number.isFinite(inboundBytesPerSecond)) return;
    // The same clock as the constructor's: a share's time is never before an earlier reading.
    const now = inputClock();
    this.#tokens = Math.min(
      inboundBurstBytes,
      this.#tokens + ((now - this.#refilledAt) * inboundBytesPerSecond) / 1000,
    );
    this.#refilledAt = now;
    this.#tokens -= cost;
    if (this.#tokens >= 0 || this.#budgetTimer !== undefined || this.#closed) return;
    this.#pause(PAUSED_FOR_BUDGET);
    const waitMs = Math.ceil((-this.#tokens * 1000) / inboundBytesPerSecond);
    this.#budgetTimer = setTimeout(EngineConnection.#refilled, waitMs, this);
    this.#budgetTimer.unref();
  }

  static #refilled(connection: EngineConnection): void {
    connection.#budgetTimer = undefined;
    connection.#unpause(PAUSED_FOR_BUDGET);
  }

  #pause(reason: number): void {
    // While our Close waits for the peer's, the budget still holds: a peer that floods instead
    // of answering would otherwise be read as fast as it sends until the close timeout (and
    // WebSocket-Node keeps every byte it reads after its Close). The backlog no longer
    // matters then: nothing but the Close is sent, and the peer's answer must be read.
    if (this.#closed || (this.#closing && reason === PAUSED_FOR_BACKLOG)) return;
    if (this.#pausedFor === 0) {
      this.#socket.pause();
      // faye-websocket pipes the socket into its driver, and a pipe resumes its source when
      // the driver drains: reading stays paused while we have a reason.
      if (this.#onResume === undefined) {
        this.#onResume = () => {
          if (this.#pausedFor !== 0 && !this.#closed) this.#socket.pause();
        };
        this.#socket.on('resume', this.#onResume);
      }
    }
    this.#pausedFor |= reason;
  }

  #unpause(reason: number): void {
    if ((this.#pausedFor & reason) === 0) return;
    this.#pausedFor &= ~reason;
    if (this.#closed) return;
    // What was read before the pause goes first, a share a turn.
    if (this.waitingBytes() > 0 && this.canParse) this.#scheduleParse(true);
    if (this.#pausedFor === 0) this.#socket.resume();
  }
}

function terminateConnection(connection: EngineConnection): void {
  connection.terminate();
}
