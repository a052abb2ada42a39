/**
 * One logical chat client of the soak: a stable `client` id that lives through many
 * connections, each over the next protocol in its cycle. It joins with `since` (0 the first
 * time, so its view starts at seq 1), resends every unacknowledged `say` with the same id right
 * behind each join, says new things at random intervals, and ends each connection by dropping the
 * socket (most often) or closing it cleanly. Its view of the room is seq -> `client/id`; a seq
 * seen twice with the same message is the dedupe answer to a resend, with another message a
 * conflict.
 */
import type { SoakKind } from './soak-transport.js';
import { openSoakTransport, type SoakTransport } from './soak-transport.js';

/** What a soak client is told. */
export interface SoakClientOptions {
  readonly id: string;
  readonly room: string;
  /** `ws://127.0.0.1:PORT` */
  readonly base: string;
  /** The protocols its connections use, in turn. */
  readonly kinds: readonly SoakKind[];
  /** A seeded generator in [0, 1). */
  readonly random: () => number;
  /** Pause between two new messages, in ms. */
  readonly sayEveryMs: readonly [number, number];
  /** Life of one connection, in ms. */
  readonly connectionMs: readonly [number, number];
  /** Share of connections ended by dropping the socket rather than closing it. */
  readonly dropShare: number;
}

/** Counts over a soak client's life. */
export interface SoakClientStats {
  connections: number;
  drops: number;
  cleanCloses: number;
  said: number;
  resent: number;
  /** Messages seen again with the same seq: dedupe answers to resends. */
  repeats: number;
  /** A seq seen with two different messages. */
  conflicts: number;
  /** A live message whose seq skipped past the next one expected. */
  liveGaps: number;
  truncated: number;
  errors: Record<string, number>;
}

interface ServerMessage {
  type: string;
  seq?: number;
  id?: string;
  client?: string;
  code?: string;
  history?: ServerMessage[];
  truncated?: boolean;
}

const WELCOME_TIMEOUT_MS = 15_000;
const CLOSE_TIMEOUT_MS = 5_000;

const between = (random: () => number, [min, max]: readonly [number, number]) =>
  min + Math.floor(random() * (max - min + 1));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A logical soak client. */
export class SoakClient {
  readonly options: SoakClientOptions;
  /** seq -> `client/id`, everything this client has seen of the room. */
  readonly view = new Map<number, string>();
  /** Every id this client has said, in order. */
  readonly sent: string[] = [];
  readonly stats: SoakClientStats = {
    connections: 0,
    drops: 0,
    cleanCloses: 0,
    said: 0,
    resent: 0,
    repeats: 0,
    conflicts: 0,
    liveGaps: 0,
    truncated: 0,
    errors: {},
  };
  #pending = new Set<string>();
  #lastSeq = 0;
  #next = 0;
  #turn = 0;

  constructor(options: SoakClientOptions) {
    this.options = options;
  }

  /** Highest seq seen. */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** Says not yet acknowledged. */
  get pending(): number {
    return this.#pending.size;
  }

  #record(message: ServerMessage, live: boolean): void {
    if (message.seq === undefined) return;
    const key = `${message.client}/${message.id}`;
    const seen = this.view.get(message.seq);
    if (seen === undefined) {
      if (live && message.seq !== this.#lastSeq + 1) this.stats.liveGaps += 1;
      this.view.set(message.seq, key);
    } else if (seen === key) {
      this.stats.repeats += 1;
    } else {
      this.stats.conflicts += 1;
    }
    this.#lastSeq = Math.max(this.#lastSeq, message.seq);
    if (message.client === this.options.id && message.id !== undefined) {
      this.#pending.delete(message.id);
    }
  }

  /** Opens one connection, joins, resends what is pending; resolves once welcomed. */
  async #connect(onClosed: () => void): Promise<SoakTransport> {
    const kinds = this.options.kinds;
    const kind = kinds[this.#turn % kinds.length] as SoakKind;
    this.#turn += 1;
    let welcomed: () => void = () => {};
    const welcome = new Promise<void>((resolve) => {
      welcomed = resolve;
    });
    const transport = await openSoakTransport(kind, this.options.base, {
      onText: (text) => {
        const message = JSON.parse(text) as ServerMessage;
        if (message.type === 'welcome') {
          if (message.truncated) this.stats.truncated += 1;
          for (const old of message.history ?? []) this.#record(old, false);
          welcomed();
        } else if (message.type === 'message') {
          this.#record(message, true);
        } else if (message.type === 'error') {
          const code = message.code ?? 'unknown';
          this.stats.errors[code] = (this.stats.errors[code] ?? 0) + 1;
        }
      },
      onClose: onClosed,
    });
    this.stats.connections += 1;
    transport.send(
      JSON.stringify({
        type: 'join',
        room: this.options.room,
        nick: this.options.id,
        client: this.options.id,
        since: this.#lastSeq,
      }),
    );
    // Resent at once, behind the join, as an eager client would: whether the room already has
    // a message is the server's to settle (its dedupe answers with the original).
    for (const id of this.#pending) {
      this.stats.resent += 1;
      transport.send(JSON.stringify({ type: 'say', id, text: `text of ${id}` }));
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(`${this.options.id}: no welcome on ${kind} in ${WELCOME_TIMEOUT_MS} ms`),
          ),
        WELCOME_TIMEOUT_MS,
      );
    });
    await Promise.race([welcome, timeout]).finally(() => clearTimeout(timer));
    return transport;
  }

  // Without a transport the message is lost on the way, as into a socket that just died.
  #say(transport: SoakTransport | undefined): void {
    const id = `${this.options.id}-${this.#next}`;
    this.#next += 1;
    this.sent.push(id);
    this.#pending.add(id);
    this.stats.said += 1;
    transport?.send(JSON.stringify({ type: 'say', id, text: `text of ${id}` }));
  }

  /** Churns until `deadline`: connect, chat, drop or close, again. */
  async run(deadline: number): Promise<void> {
    const { random } = this.options;
    while (Date.now() < deadline) {
      let closed = false;
      let onClose: () => void = () => {};
      const whenClosed = new Promise<void>((resolve) => {
        onClose = resolve;
      });
      const transport = await this.#connect(() => {
        closed = true;
        onClose();
      });
      const end = Math.min(deadline, Date.now() + between(random, this.options.connectionMs));
      while (!closed && Date.now() < end) {
        await sleep(between(random, this.options.sayEveryMs));
        if (closed || Date.now() >= end) break;
        this.#say(transport);
      }
      if (random() < this.options.dropShare) {
        // Some drops cut a message in flight: written just before the socket dies, it may or may
        // not reach the room; or lost with the socket, never written. Only the resend after the
        // next join settles which.
        const fate = random();
        if (!closed && fate < 0.4) this.#say(transport);
        else if (!closed && fate < 0.6) this.#say(undefined);
        this.stats.drops += 1;
        transport.drop();
      } else {
        this.stats.cleanCloses += 1;
        transport.close();
      }
      await Promise.race([whenClosed, sleep(CLOSE_TIMEOUT_MS)]);
    }
  }

  /**
   * The last connection: resumes, resends until nothing is pending, then waits until it has
   * seen `seq` (when given). Resolves with the open transport for the caller to close.
   */
  async settle(timeoutMs: number): Promise<SoakTransport> {
    const transport = await this.#connect(() => {});
    const deadline = Date.now() + timeoutMs;
    while (this.#pending.size > 0) {
      if (Date.now() > deadline)
        throw new Error(`${this.options.id}: ${this.#pending.size} never acknowledged`);
      await sleep(20);
    }
    return transport;
  }

  /** Waits until this client has seen `seq`. */
  async waitForSeq(seq: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#lastSeq < seq) {
      if (Date.now() > deadline)
        throw new Error(`${this.options.id}: stuck at ${this.#lastSeq} of ${seq}`);
      await sleep(20);
    }
  }
}
