/**
 * The soak: logical clients of every protocol churn in one room for a bounded time (join,
 * chat, drop abruptly or close, resume with `since`, resend what is pending), then settle, and
 * every client's view must be the same full sequence 1..N: no gap, no duplicate, no message
 * that a client said and the room never got. Used by `npm run soak` (minutes) and by a short
 * test in `npm test` (seconds).
 */
import { SoakClient } from './soak-client.js';
import { SOAK_KINDS, type SoakKind } from './soak-transport.js';

/** How a soak runs. */
export interface SoakOptions {
  /** `ws://127.0.0.1:PORT` of a running server. */
  readonly base: string;
  readonly durationMs: number;
  /** Logical clients starting on each protocol; each then cycles through all of them. */
  readonly clientsPerKind?: number;
  readonly seed?: number;
  readonly room?: string;
  readonly sayEveryMs?: readonly [number, number];
  readonly connectionMs?: readonly [number, number];
  readonly dropShare?: number;
  /** Time allowed to settle: every pending message acknowledged, every view complete. */
  readonly settleMs?: number;
}

/** What a soak found. */
export interface SoakReport {
  readonly seed: number;
  readonly clients: number;
  readonly kinds: readonly SoakKind[];
  readonly connections: number;
  readonly drops: number;
  readonly cleanCloses: number;
  readonly said: number;
  readonly resent: number;
  /** Messages a client saw again under the same seq: the dedupe's answers to resends. */
  readonly repeats: number;
  /** Messages in the room at the end: seq 1..finalSeq. */
  readonly finalSeq: number;
  /** Said by a client, never in the room. */
  readonly lost: number;
  /** In the room under two seqs. */
  readonly duplicates: number;
  /** Clients whose view misses a seq, or differs from the others'. */
  readonly incompleteViews: number;
  /** A seq seen with two different messages by one client. */
  readonly conflicts: number;
  /** Live messages that skipped a seq (the welcome must have covered every gap). */
  readonly liveGaps: number;
  readonly truncatedWelcomes: number;
  /** Error messages received, by code. */
  readonly errors: Readonly<Record<string, number>>;
}

// mulberry32: small, seedable, good enough to vary timings reproducibly.
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs one soak against the server at `options.base`. */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const random = seededRandom(seed);
  const count = SOAK_KINDS.length * (options.clientsPerKind ?? 2);
  const clients = Array.from({ length: count }, (_, i) => {
    // Each client starts on a different protocol, so every protocol is in use at every moment.
    const kinds = SOAK_KINDS.map((_, k) => SOAK_KINDS[(i + k) % SOAK_KINDS.length] as SoakKind);
    return new SoakClient({
      id: `soak-${i}`,
      room: options.room ?? 'soak',
      base: options.base,
      kinds,
      random: seededRandom(Math.floor(random() * 2 ** 31)),
      sayEveryMs: options.sayEveryMs ?? [80, 400],
      connectionMs: options.connectionMs ?? [300, 2500],
      dropShare: options.dropShare ?? 0.7,
    });
  });

  await Promise.all(clients.map((client) => client.run(Date.now() + options.durationMs)));
  const settleMs = options.settleMs ?? 30_000;
  const transports = await Promise.all(clients.map((client) => client.settle(settleMs)));
  const finalSeq = Math.max(0, ...clients.map((client) => client.lastSeq));
  await Promise.all(clients.map((client) => client.waitForSeq(finalSeq, settleMs)));
  for (const transport of transports) transport.close();

  const reference = Array.from({ length: finalSeq }, (_, i) => clients[0]?.view.get(i + 1));
  const incompleteViews = clients.filter(
    (client) =>
      client.view.size !== finalSeq || reference.some((key, i) => client.view.get(i + 1) !== key),
  ).length;
  const inRoom = new Set(reference);
  const said = clients.flatMap((client) => client.sent.map((id) => `${client.options.id}/${id}`));
  const errors: Record<string, number> = {};
  for (const client of clients) {
    for (const [code, n] of Object.entries(client.stats.errors))
      errors[code] = (errors[code] ?? 0) + n;
  }
  const sum = (pick: (client: SoakClient) => number) =>
    clients.reduce((total, client) => total + pick(client), 0);
  return {
    seed,
    clients: count,
    kinds: SOAK_KINDS,
    connections: sum((c) => c.stats.connections),
    drops: sum((c) => c.stats.drops),
    cleanCloses: sum((c) => c.stats.cleanCloses),
    said: said.length,
    resent: sum((c) => c.stats.resent),
    repeats: sum((c) => c.stats.repeats),
    finalSeq,
    lost: said.filter((key) => !inRoom.has(key)).length,
    duplicates: reference.length - inRoom.size,
    incompleteViews,
    conflicts: sum((c) => c.stats.conflicts),
    liveGaps: sum((c) => c.stats.liveGaps),
    truncatedWelcomes: sum((c) => c.stats.truncated),
    errors,
  };
}

/** One line of figures, for logs and SECURITY.md. */
export function formatSoakReport(report: SoakReport): string {
  return [
    `seed ${report.seed}`,
    `${report.clients} clients over ${report.kinds.length} ways in`,
    `${report.connections} connections (${report.drops} dropped abruptly, ${report.cleanCloses} closed)`,
    `${report.said} said, ${report.resent} resent (${report.repeats} answered as already in the room)`,
    `room at seq ${report.finalSeq}`,
    `lost ${report.lost}`,
    `duplicated ${report.duplicates}`,
    `incomplete views ${report.incompleteViews}`,
    `conflicts ${report.conflicts}`,
    `live gaps ${report.liveGaps}`,
    `truncated welcomes ${report.truncatedWelcomes}`,
    `errors ${JSON.stringify(report.errors)}`,
  ].join('; ');
}
