/**
 * The write path: everything a connection sends leaves through its Outbox, in order, as one
 * gathered write per socket per event-loop turn.
 *
 * Design note.
 * - A broadcast server spends most of its CPU in the kernel's write call. So frames are not
 *   written as they are sent: each outbox collects the frames of the current turn (frames are
 *   shared by every recipient, see PreparedMessage) and once per turn, in one `setImmediate` for
 *   all sockets, hands them to the socket corked, so that Node writes them with one `writev`
 *   and nothing is copied.
 * - The frames of one turn are often the same for every member of a room (each message of the
 *   turn, in the same order). A room hands them over as one FrameRun at the start of the turn
 *   (`atTurnStart`): a member's outbox queues the run, not each frame, and an outbox holding
 *   just that run writes its one joined buffer, made once for all of them; one with nothing
 *   queued and a drained socket is written it as it is handed over, so the first member's
 *   bytes do not wait for the last member's hand-over. So a member costs one entry (or none)
 *   and one write per turn, however many messages the turn had. Frames pushed one by
 *   one come out the same way: the first outbox with a given list joins it and the others with
 *   the very same list write that buffer too. A list of its own (a pong among the messages) is
 *   joined for its socket alone; past `JOIN_MAX_BYTES` a list is written frame by frame,
 *   corked, rather than copied. Runs held over several turns (a member that had not drained)
 *   go as their shared buffers in one writev: a few entries, no copy.
 * - Backpressure. While the socket has not drained (`writableNeedDrain`) the outbox keeps its
 *   frames instead of piling writes onto the socket: what waits is then a list of shared
 *   frames, counted byte for byte in `bytes`, not a write request per frame.
 * - Pongs are coalesced: RFC 6455 §5.5.3 lets an endpoint that has not yet answered earlier
 *   pings answer only the most recent one, so a turn carries one pong at most, and a ping
 *   flood cannot queue a pong per ping.
 * - Engines write their own frames (the handshake, close, ping) straight to the socket. So that
 *   they keep their place after the chat frames sent before them, the socket's `write`, `end`
 *   and `destroy` are guarded (`guardSocket`): each hands the outbox to the kernel first.
 * - The end of a connection is a lingering close. An engine that has sent its Close (or the
 *   drafts' closing handshake) destroys the socket, and a socket closed while the peer's bytes
 *   are still unread makes the kernel send a TCP RST, which can overtake the Close: the client
 *   then sees 1006 instead of the code. RFC 6455 §7.1.1 asks the server to close TCP after
 *   the Close, and §5.5.1 lets it keep reading: so the guarded `destroy` half-closes (our FIN
 *   goes after every queued byte), reads and discards whatever still comes (1 MiB at most: more
 *   is not a closing peer's; one chunk a loop iteration, so that many closing floods do not
 *   hold the loop), and closes when the peer closes its side or after `lingerMs`.
 */
import { Socket } from 'node:net';
import { FrameRun } from './prepared-message.js';

/** Who is told about an outbox's turns: the connection that owns it. */
export interface OutboxOwner {
  /** After this turn's frames were handed to the socket (or kept, when it has not drained). */
  onTurnEnd(): void;
  /** The socket drained after the outbox had held frames for it. */
  onDrain(): void;
}

const realWrite = Socket.prototype.write as (this: Socket, chunk: Uint8Array) => boolean;
const realEnd = Socket.prototype.end as (this: Socket) => Socket;
const realDestroy = Socket.prototype.destroy;

const kOutbox = Symbol('draftbridge.outbox');

interface GuardedSocket extends Socket {
  [kOutbox]?: Outbox;
}

// Outboxes with frames this turn, flushed together in one setImmediate.
let turn: Outbox[] = [];
let turnScheduled = false;
// Run first in the turn's setImmediate: whoever gathered frames for many outboxes hands them over.
let turnStarts: (() => void)[] = [];

function scheduleTurn(): void {
  if (turnScheduled) return;
  turnScheduled = true;
  setImmediate(runWriteTurn);
}

/**
 * Runs the write turn now if anything waits for it. Input is parsed in the loop's check phase
 * (engine-connection.ts), where a turn scheduled by what it pushes would only run in the next
 * loop iteration: the input turn ends with this, so answers leave in the turn they were made.
 * It is also the scheduled turn's callback, which a turn run early leaves nothing to do.
 */
export function runWriteTurn(): void {
  if (turnScheduled) runTurn();
}

/**
 * Runs `task` at the start of the next write turn, before the outboxes' flush: what it pushes
 * goes out in that turn (a run handed to an empty outbox on a drained socket, at once). A room
 * gathers its turn's messages and hands each member the batch here. `task` must not throw.
 */
export function atTurnStart(task: () => void): void {
  turnStarts.push(task);
  scheduleTurn();
}
// True while runTurn writes: only then are joined lists shared.
let writingTurn = false;
// True while the turn's starts run (atTurnStart): rooms are handing each member its run.
let startingTurn = false;

// The lists of frames joined this turn, by their first frame (see the design note).
const joinedThisTurn = new Map<Buffer, { readonly frames: Buffer[]; readonly joined: Buffer }>();

// A list this long or shorter is joined; a longer one (a backlog let go at a drain) is written
// frame by frame, corked: copying it would cost more than the writes.
const JOIN_MAX_BYTES = 256 * 1024;

// A list with runs in it this long or shorter is joined for its socket (a pong among a turn's
// messages); a longer one writes each run's shared buffer instead of copying them all.
const JOIN_OWN_MAX_BYTES = 16 * 1024;

function sameFrames(a: readonly Buffer[], b: readonly Buffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

// One buffer of `frames`, the one already joined this turn when another outbox had the same.
function joinedFor(frames: Buffer[], bytes: number): Buffer | undefined {
  const first = frames[0] as Buffer;
  const earlier = joinedThisTurn.get(first);
  if (earlier !== undefined && sameFrames(earlier.frames, frames)) return earlier.joined;
  if (bytes > JOIN_MAX_BYTES) return undefined;
  const joined = Buffer.concat(frames, bytes);
  if (earlier === undefined && writingTurn) joinedThisTurn.set(first, { frames, joined });
  return joined;
}

// Every frame of `entries`, runs spread out, in order.
function flattened(entries: readonly (Buffer | FrameRun)[]): Buffer[] {
  const frames: Buffer[] = [];
  for (const entry of entries) {
    if (entry instanceof FrameRun) for (const frame of entry.frames) frames.push(frame);
    else frames.push(entry);
  }
  return frames;
}

function runTurn(): void {
  // Still scheduled while the starts run, so what they push joins this turn, not the next.
  const starts = turnStarts;
  turnStarts = [];
  startingTurn = true;
  for (const start of starts) start();
  startingTurn = false;
  turnScheduled = false;
  const outboxes = turn;
  turn = [];
  // First every write, then every owner: an owner that looks at its backlog sees what the
  // kernel did not take.
  writingTurn = true;
  for (const outbox of outboxes) outbox.flush(false);
  writingTurn = false;
  joinedThisTurn.clear();
  for (const outbox of outboxes) outbox.endTurn();
}

// How long a closing socket keeps reading after its FIN, when the guard was given no other time.
const DEFAULT_LINGER_MS = 2000;

/** The frames one socket will be sent, and the rules for sending them. */
export class Outbox {
  readonly socket: Socket;
  /**
   * How long the socket keeps reading after its FIN once closed. Kept here rather than in a
   * WeakMap by socket: each such entry is an ephemeron V8 must handle while the socket is young.
   */
  readonly lingerMs: number;
  #owner: OutboxOwner | undefined;
  // Frames, and runs of frames shared with other outboxes, in the order they go out.
  #frames: (Buffer | FrameRun)[] = [];
  #bytes = 0;
  // How many of the queued entries are runs: a list without any is joined or written as is.
  #runs = 0;
  #pongAt = -1;
  #inTurn = false;
  #held = false;

  constructor(socket: Socket, lingerMs = DEFAULT_LINGER_MS) {
    this.socket = socket;
    this.lingerMs = lingerMs;
  }

  /** Bytes queued here and not yet handed to the socket. */
  get bytes(): number {
    return this.#bytes;
  }

  /** True while the socket has more than it wants and has not drained (frames may wait here). */
  get held(): boolean {
    return this.#held;
  }

  /** Tells `owner` about every turn and drain from now on. */
  setOwner(owner: OutboxOwner): void {
    this.#owner = owner;
  }

  /** Queues one frame for this turn; false when the socket can no longer be written. */
  push(frame: Buffer): boolean {
    return this.#queue(frame, frame.length);
  }

  /** Queues a run of frames shared with other outboxes; false when the socket is done. */
  pushRun(run: FrameRun): boolean {
    const { socket } = this;
    // A room hands each member its run at the start of the write turn. A member with nothing
    // queued before it and a drained socket is written the run's shared buffer at once: it is
    // the turn's first write, in a burst its only one, and the members after it no longer
    // wait for every member to be handed its run before the first byte leaves (the handing
    // over was about 0.4 ms of each message to 1000 members in a paced profile). What is
    // queued after it this turn goes at the flush; the turn still ends for the owner.
    const drained = !socket.destroyed && socket.writable && !socket.writableNeedDrain;
    if (startingTurn && this.#frames.length === 0 && drained) {
      realWrite.call(socket, run.joined);
      if (socket.writableNeedDrain) this.#hold();
      this.#schedule();
      return true;
    }
    return this.#queue(run, run.bytes);
  }

  #queue(entry: Buffer | FrameRun, bytes: number): boolean {
    const { socket } = this;
    if (socket.destroyed || !socket.writable) return false;
    this.#frames.push(entry);
    if (entry instanceof FrameRun) this.#runs += 1;
    this.#bytes += bytes;
    this.#schedule();
    return true;
  }

  /** Queues a pong; one already waiting is replaced by the newer one (RFC 6455 §5.5.3). */
  pushPong(frame: Buffer): boolean {
    const waiting =
      this.#pongAt === -1 ? undefined : (this.#frames[this.#pongAt] as Buffer | undefined);
    if (waiting === undefined) {
      const pushed = this.push(frame);
      if (pushed) this.#pongAt = this.#frames.length - 1;
      return pushed;
    }
    this.#frames[this.#pongAt] = frame;
    this.#bytes += frame.length - waiting.length;
    return true;
  }

  /**
   * Hands the queued frames to the socket: at once with `force` (an engine writes next, or the
   * socket ends), otherwise only if the socket has drained.
   */
  flush(force: boolean): void {
    if (this.#frames.length === 0) return;
    const { socket } = this;
    if (socket.destroyed || !socket.writable) {
      this.#clear();
      return;
    }
    if (!force && socket.writableNeedDrain) {
      this.#hold();
      return;
    }
    const entries = this.#frames;
    const bytes = this.#bytes;
    const runs = this.#runs;
    this.#clear();
    const only = entries.length === 1 ? entries[0] : undefined;
    if (only !== undefined) {
      // A room's run and nothing else, as most members have in a burst: the shared buffer.
      realWrite.call(socket, only instanceof FrameRun ? only.joined : only);
    } else if (runs > 0 && bytes > JOIN_OWN_MAX_BYTES) {
      // Runs held over several turns (a member that had not drained): each run's shared buffer,
      // gathered in one writev, rather than a copy of all of them for this socket alone.
      socket.cork();
      for (const entry of entries)
        realWrite.call(socket, entry instanceof FrameRun ? entry.joined : entry);
      socket.uncork();
    } else {
      const frames = runs > 0 ? flattened(entries) : (entries as Buffer[]);
      const joined = joinedFor(frames, bytes);
      if (joined !== undefined) {
        realWrite.call(socket, joined);
      } else {
        socket.cork();
        for (const frame of frames) realWrite.call(socket, frame);
        socket.uncork();
      }
    }
    // Past the socket's high-water mark: later frames wait here until it drains.
    if (socket.writableNeedDrain) this.#hold();
  }

  /** Called once per turn after every outbox of the turn has written. */
  endTurn(): void {
    this.#inTurn = false;
    this.#owner?.onTurnEnd();
  }

  /** Drops what is queued (the socket is going away without a goodbye). */
  discard(): void {
    this.#clear();
  }

  #clear(): void {
    this.#frames = [];
    this.#runs = 0;
    this.#bytes = 0;
    this.#pongAt = -1;
  }

  // A held outbox still takes part in every turn it gets frames in, so that its owner sees
  // the backlog grow and can drop a reader that does not read.
  #schedule(): void {
    if (this.#inTurn) return;
    this.#inTurn = true;
    turn.push(this);
    scheduleTurn();
  }

  #hold(): void {
    if (this.#held || this.socket.destroyed) return;
    this.#held = true;
    this.socket.once('drain', onSocketDrain);
  }

  /** The socket drained: what was held goes now, in this turn's batch. */
  drained(): void {
    this.#held = false;
    if (this.#frames.length > 0) this.#schedule();
    this.#owner?.onDrain();
  }
}

// Shared by every socket, so that guarding costs no closure per connection.
function onSocketDrain(this: GuardedSocket): void {
  this[kOutbox]?.drained();
}

function writeAfterOutbox(this: GuardedSocket, ...args: Parameters<Socket['write']>): boolean {
  this[kOutbox]?.flush(true);
  return (Socket.prototype.write as (...a: Parameters<Socket['write']>) => boolean).apply(
    this,
    args,
  );
}

function endAfterOutbox(this: GuardedSocket, ...args: Parameters<Socket['end']>): Socket {
  this[kOutbox]?.flush(true);
  return (Socket.prototype.end as (...a: Parameters<Socket['end']>) => Socket).apply(this, args);
}

function lingerInstead(this: GuardedSocket, error?: Error): Socket {
  const outbox = this[kOutbox];
  outbox?.flush(true);
  if (error !== undefined || this.destroyed || this.errored || !this.readable) {
    return realDestroy.call(this, error);
  }
  linger(this, outbox?.lingerMs ?? DEFAULT_LINGER_MS);
  return this;
}

// What a closing socket reads and drops at most: what a client may have in flight when it
// sees the Close, generously. A peer that keeps sending past it is not closing: it is reset.
const LINGER_MAX_BYTES = 1024 * 1024;
const discarded = new WeakMap<Socket, number>();

function discardInput(this: Socket, chunk: Buffer): void {
  const total = (discarded.get(this) ?? 0) + chunk.length;
  discarded.set(this, total);
  if (total > LINGER_MAX_BYTES) {
    realDestroy.call(this);
    return;
  }
  // One chunk a loop iteration: libuv reads a readable socket up to 32 times in a row, so a
  // hundred peers flooding after their Close would have a megabyte each read and dropped in
  // one or two iterations, ahead of everyone else's input.
  this.pause();
  if (lingering.push(this) === 1) setImmediate(resumeLingering);
}

// Lingering sockets that read a chunk in this loop iteration: they read again in the next.
let lingering: Socket[] = [];

function resumeLingering(): void {
  const paused = lingering;
  lingering = [];
  for (const socket of paused) if (!socket.destroyed) socket.resume();
}

function destroyNow(this: Socket): void {
  realDestroy.call(this);
}

// The peer closed its side: close ours once every byte we queued is in the kernel, which still
// delivers it (nothing unread is left to turn the close into a reset).
function onPeerEnd(this: Socket): void {
  if (this.writableFinished) realDestroy.call(this);
  else this.once('finish', destroyNow);
}

// Half-close after what is queued, read and discard until the peer closes too or time is up.
function linger(socket: Socket, lingerMs: number): void {
  // The engines stop listening once their state is closed, but WebSocket-Node would still
  // buffer every byte: no engine reads from here on.
  socket.removeAllListeners('data');
  socket.removeAllListeners('pause');
  socket.removeAllListeners('resume');
  socket.on('data', discardInput);
  socket.once('end', onPeerEnd);
  socket.resume();
  if (!socket.writableEnded) realEnd.call(socket);
  setTimeout(() => realDestroy.call(socket), lingerMs).unref();
}

/**
 * Puts the socket's writes behind an outbox and makes its `destroy` a lingering close (see the
 * design note); returns the outbox. `lingerMs` bounds how long a closed socket keeps reading.
 */
export function guardSocket(socket: Socket, lingerMs = DEFAULT_LINGER_MS): Outbox {
  const guarded = socket as GuardedSocket;
  const existing = guarded[kOutbox];
  if (existing !== undefined) return existing;
  const outbox = new Outbox(socket, lingerMs);
  guarded[kOutbox] = outbox;
  socket.write = writeAfterOutbox as Socket['write'];
  socket.end = endAfterOutbox as Socket['end'];
  socket.destroy = lingerInstead;
  return outbox;
}

/** Destroys a socket at once, with no lingering and without sending what is queued. */
export function destroySocketNow(socket: Socket): void {
  (socket as GuardedSocket)[kOutbox]?.discard();
  realDestroy.call(socket);
}
