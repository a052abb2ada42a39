/**
 * Prometheus metrics for /metrics (docs/PROTOCOL.md, "Endpoints"), on a registry of their own so
 * that two servers in one process (the tests) never share or clash over a series.
 *
 * Who moves what: the chat session counts messages in and out, errors sent, rate-limited
 * messages and slow readers; the server counts connections (through `trackConnection`),
 * rejected handshakes and relay legs, because it sees the sockets that never become a session.
 */
import { ERROR_CODES, PROTOCOL_IDS } from '@draftbridge/shared-types';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { METRIC_PREFIX } from './constants.js';
import type { ResourceWatch } from './resource-watch.js';

/** Every metric the server exports, with the registry that holds them. */
export interface Metrics {
  /** The registry behind /metrics: `await registry.metrics()`, `registry.contentType`. */
  readonly registry: Registry;
  /** Open WebSocket connections, by protocol and engine. */
  readonly connectionsOpen: Gauge<'protocol' | 'engine'>;
  /** WebSocket connections accepted since start, by protocol and engine. */
  readonly connectionsTotal: Counter<'protocol' | 'engine'>;
  /** Messages received from clients, by protocol. */
  readonly messagesIn: Counter<'protocol'>;
  /** What sessions counted since the last scrape, by protocol (see MessageTally). */
  readonly tallies: Map<string, MessageTally>;
  /**
   * Connections by protocol and engine, handed to the connection metrics at each scrape: a
   * list, since there are at most ten pairs and a lookup should build no key.
   */
  readonly connectionTallies: ConnectionTally[];
  /** Messages sent to clients, by protocol. */
  readonly messagesOut: Counter<'protocol'>;
  /** Upgrade requests refused before any engine saw them, by reason. */
  readonly handshakesRejected: Counter<'reason'>;
  /** Hixie legs the relay has open to this server. */
  readonly relayLegsOpen: Gauge;
  /** Connections dropped because their send buffer passed the slow-reader bound, by protocol. */
  readonly slowReadersClosed: Counter<'protocol'>;
  /** Messages dropped by the per-connection rate limit, by protocol. */
  readonly rateLimited: Counter<'protocol'>;
  /** `error` messages sent, by code. */
  readonly errorsSent: Counter<'code'>;
  /** Retained messages dropped, by why: `count`, `room_budget`, `total_budget`. */
  readonly historyEvicted: Counter<'reason'>;
  /** Evictions since the last scrape (see MessageTally): a full room evicts one per `say`. */
  readonly evictions: EvictionTally;
  /** Rooms forgotten with their history, by why: `ttl`, `total_budget`. */
  readonly roomsForgotten: Counter<'reason'>;
  /**
   * The in-memory hub's sizes, as plain numbers it updates with every `say` and the scrape
   * reads (a gauge's `set` per message costs more than the message's history does).
   */
  readonly hubSizes: HubSizes;
}

/** Creates every metric, plus Node's default process metrics, on a fresh registry. */
export function createMetrics(resources?: ResourceWatch): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  const registers = [registry];
  const name = (suffix: string) => `${METRIC_PREFIX}${suffix}`;
  if (resources !== undefined) {
    // prom-client's own keeps its last value (0 at first) when the count fails for want of a
    // descriptor, which is exactly when it matters: ours says the limit then.
    registry.removeSingleMetric(name('process_open_fds'));
    new Gauge({
      name: name('process_open_fds'),
      help: 'Number of open file descriptors (the limit, when they are exhausted).',
      registers,
      collect() {
        const open = resources.openFileDescriptors();
        if (open !== undefined) this.set(open);
      },
    });
  }

  // Handed to prom-client at each scrape (see MessageTally).
  const tallies = new Map<string, MessageTally>(
    PROTOCOL_IDS.map((protocol) => [protocol, new MessageTally()]),
  );
  const connectionTallies: ConnectionTally[] = [];
  const evictions = new EvictionTally();
  const hubSizes: HubSizes = { historyBytes: 0, rooms: 0 };
  // A plain series, moved where it is counted.
  const counter = <Label extends string>(suffix: string, help: string, label: Label) =>
    new Counter({ name: name(suffix), help, labelNames: [label], registers });
  const gauge = (suffix: string, help: string) =>
    new Gauge({ name: name(suffix), help, registers });
  // The sessions' message tallies, taken over at each scrape.
  const messagesCounter = (direction: 'in' | 'out', help: string) =>
    new Counter({
      name: name(`messages_${direction}_total`),
      help,
      labelNames: ['protocol'] as const,
      registers,
      collect() {
        for (const [protocol, tally] of tallies) {
          this.inc({ protocol }, tally[direction]);
          tally[direction] = 0;
        }
      },
    });
  const metrics: Metrics = {
    registry,
    tallies,
    connectionTallies,
    connectionsOpen: new Gauge({
      name: name('connections_open'),
      help: 'Open WebSocket connections, by protocol and engine.',
      labelNames: ['protocol', 'engine'] as const,
      registers,
      collect() {
        for (const tally of connectionTallies) this.set(tally.labels, tally.open);
      },
    }),
    connectionsTotal: new Counter({
      name: name('connections_total'),
      help: 'WebSocket connections accepted since start, by protocol and engine.',
      labelNames: ['protocol', 'engine'] as const,
      registers,
      collect() {
        for (const tally of connectionTallies) {
          this.inc(tally.labels, tally.accepted);
          tally.accepted = 0;
        }
      },
    }),
    messagesIn: messagesCounter('in', 'Messages received from clients, by protocol.'),
    messagesOut: messagesCounter('out', 'Messages sent to clients, by protocol.'),
    handshakesRejected: counter(
      'handshakes_rejected_total',
      'Upgrade requests refused before any engine saw them, by reason.',
      'reason',
    ),
    relayLegsOpen: gauge('relay_legs_open', 'Hixie legs the relay has open to this server.'),
    slowReadersClosed: counter(
      'slow_readers_closed_total',
      'Connections dropped because their send buffer passed the slow-reader bound.',
      'protocol',
    ),
    rateLimited: counter(
      'rate_limited_messages_total',
      'Messages dropped by the per-connection rate limit, by protocol.',
      'protocol',
    ),
    errorsSent: counter('errors_sent_total', 'Error messages sent to clients, by code.', 'code'),
    evictions,
    historyEvicted: new Counter({
      name: name('history_evicted_messages_total'),
      help: 'Retained messages dropped from history, by reason (count, room_budget, total_budget).',
      labelNames: ['reason'] as const,
      registers,
      collect() {
        for (const reason of EVICTION_REASONS) {
          this.inc({ reason }, evictions[reason]);
          evictions[reason] = 0;
        }
      },
    }),
    roomsForgotten: counter(
      'rooms_forgotten_total',
      'Rooms forgotten with their history, by reason (ttl, total_budget).',
      'reason',
    ),
    hubSizes,
  };
  for (const [size, suffix, help] of HUB_SIZE_GAUGES) {
    new Gauge({
      name: name(suffix),
      help,
      registers,
      collect() {
        this.set(hubSizes[size]);
      },
    });
  }

  // Series that exist from the start read 0 on the first scrape instead of being absent,
  // so a dashboard's rate() sees the first increment.
  for (const protocol of PROTOCOL_IDS) {
    metrics.slowReadersClosed.inc({ protocol }, 0);
    metrics.rateLimited.inc({ protocol }, 0);
  }
  for (const code of Object.keys(ERROR_CODES)) metrics.errorsSent.inc({ code }, 0);
  for (const reason of EVICTION_REASONS) metrics.historyEvicted.inc({ reason }, 0);
  for (const reason of ['ttl', 'total_budget']) metrics.roomsForgotten.inc({ reason }, 0);
  return metrics;
}

/**
 * Messages in and out of one protocol since the last scrape, as plain numbers: a prom-client
 * `inc` per message is a label lookup and a check, paid on every delivery of a broadcast. The
 * `messages_*_total` counters take them over when they are collected.
 */
export class MessageTally {
  in = 0;
  out = 0;
}

/** Why retained messages leave a room's history. */
export const EVICTION_REASONS = ['count', 'room_budget', 'total_budget'] as const;
export type EvictionReason = (typeof EVICTION_REASONS)[number];

/** Messages evicted since the last scrape, by reason, as plain numbers (see MessageTally). */
export class EvictionTally implements Record<EvictionReason, number> {
  count = 0;
  room_budget = 0;
  total_budget = 0;
}

/** What the in-memory hub holds now: the bytes it counts against its total budget, its rooms. */
export interface HubSizes {
  historyBytes: number;
  rooms: number;
}

// The gauge each size is read into at scrape: its name after the prefix, its help text.
const HUB_SIZE_GAUGES: readonly (readonly [keyof HubSizes, string, string])[] = [
  [
    'historyBytes',
    'history_bytes',
    'Bytes the rooms in memory count against the total history budget.',
  ],
  ['rooms', 'rooms', 'Rooms held in memory.'],
];

/** The series a session moves, bound to its protocol once: a label lookup per message costs. */
export interface ProtocolSeries {
  readonly messages: MessageTally;
  readonly rateLimited: { inc(value?: number): void };
  readonly slowReadersClosed: { inc(value?: number): void };
}

const boundSeries = new WeakMap<Metrics, Map<string, ProtocolSeries>>();

/** The protocol's series of `metrics`, made on first use and shared by every session after. */
export function seriesOf(metrics: Metrics, protocol: string): ProtocolSeries {
  let byProtocol = boundSeries.get(metrics);
  if (byProtocol === undefined) {
    byProtocol = new Map();
    boundSeries.set(metrics, byProtocol);
  }
  let series = byProtocol.get(protocol);
  if (series === undefined) {
    const labels = { protocol };
    let messages = metrics.tallies.get(protocol);
    if (messages === undefined) {
      messages = new MessageTally();
      metrics.tallies.set(protocol, messages);
    }
    series = {
      messages,
      rateLimited: metrics.rateLimited.labels(labels),
      slowReadersClosed: metrics.slowReadersClosed.labels(labels),
    };
    byProtocol.set(protocol, series);
  }
  return series;
}

/** Where a connection came from, as the connection metrics label it. */
export interface ConnectionLabels {
  readonly protocol: string;
  readonly engine: string;
}

/** Connections of one protocol and engine, as plain numbers (see MessageTally). */
export class ConnectionTally {
  readonly labels: { readonly protocol: string; readonly engine: string };
  /** Accepted since the last scrape. */
  accepted = 0;
  /** Open now. */
  open = 0;

  constructor(protocol: string, engine: string) {
    this.labels = { protocol, engine };
  }
}

function connectionTallyOf(metrics: Metrics, labels: ConnectionLabels): ConnectionTally {
  const { protocol, engine } = labels;
  for (const tally of metrics.connectionTallies) {
    if (tally.labels.protocol === protocol && tally.labels.engine === engine) return tally;
  }
  const tally = new ConnectionTally(protocol, engine);
  metrics.connectionTallies.push(tally);
  return tally;
}

/** Counts one accepted connection, and one more open. */
export function countConnectionOpened(metrics: Metrics, labels: ConnectionLabels): void {
  const tally = connectionTallyOf(metrics, labels);
  tally.accepted += 1;
  tally.open += 1;
}

/** Counts one open connection fewer: call once per connection, when it closes. */
export function countConnectionClosed(metrics: Metrics, labels: ConnectionLabels): void {
  connectionTallyOf(metrics, labels).open -= 1;
}
