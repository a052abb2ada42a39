/**
 * Which figures each scenario shows, how they are labelled and formatted, and which way is
 * better. The table, the chart and the README all read from here.
 */
import type { BenchPlan, ScenarioName } from '../constants.js';

/** Whether a larger value of a figure is better. */
export type Better = 'higher' | 'lower';

/** One column of a scenario's table. */
export interface FigureColumn {
  /** The metric key; per-protocol rows read `<protocol>.<key>`. */
  readonly key: string;
  readonly label: string;
  readonly better: Better;
  /** Shown on the subject's own row (all receivers together). */
  readonly onTotalRow: boolean;
  /** Shown on each protocol's row. */
  readonly onProtocolRows: boolean;
  /** Whether a ratio to the baseline means something for this figure. */
  readonly ratio: boolean;
}

const column = (
  key: string,
  label: string,
  better: Better,
  rows: 'total' | 'protocol' | 'both',
  ratio = true,
): FigureColumn => ({
  key,
  label,
  better,
  onTotalRow: rows !== 'protocol',
  onProtocolRows: rows !== 'total',
  ratio,
});

const BURST_COLUMNS: readonly FigureColumn[] = [
  column('deliveriesPerSecond', 'deliveries/s', 'higher', 'total'),
  column('p50Ms', 'p50 ms', 'lower', 'both'),
  column('p99Ms', 'p99 ms', 'lower', 'both'),
  column('doneMs', 'last delivery ms', 'lower', 'both'),
  column('serverCpuPercent', 'server CPU %', 'lower', 'total', false),
  column('serverSystemPercent', 'of it kernel %', 'lower', 'total', false),
  column('generatorCpuPercent', 'generator CPU %', 'lower', 'total', false),
  column('serverPeakRssMb', 'server peak RSS MB', 'lower', 'total'),
];

/** Each scenario's title and columns. */
export const SCENARIO_FIGURES: Record<
  ScenarioName,
  { readonly title: (plan: BenchPlan) => string; readonly columns: readonly FigureColumn[] }
> = {
  burst: {
    title: (plan) =>
      `1. Burst fan-out: ${plan.burstReceivers} receivers, ${plan.burstSenders} senders x ${plan.burstMessagesPerSender} messages at once`,
    columns: BURST_COLUMNS,
  },
  'slow-reader': {
    title: (plan) =>
      `4. Slow reader: scenario 1 with one receiver that stops reading (figures of the other ${plan.burstReceivers - 1})`,
    columns: [
      ...BURST_COLUMNS,
      column('slowReaderClosed', 'slow reader closed', 'lower', 'total', false),
    ],
  },
  paced: {
    title: (plan) =>
      `2. Paced latency: ${plan.pacedReceivers} receivers, ${plan.pacedMessagesPerSecond} messages/s for ${plan.pacedSeconds} s`,
    columns: [
      column('p50Ms', 'p50 ms', 'lower', 'both'),
      column('p99Ms', 'p99 ms', 'lower', 'both'),
      column('maxMs', 'max ms', 'lower', 'both'),
      column('deliveredFraction', 'delivered', 'higher', 'total', false),
      column('serverCpuPercent', 'server CPU %', 'lower', 'total', false),
      column('generatorCpuPercent', 'generator CPU %', 'lower', 'total', false),
    ],
  },
  capacity: {
    title: (plan) =>
      `3. Capacity: ${plan.capacityConnections} idle connections (half RFC 6455, half hixie-76 where served)`,
    columns: [
      column('handshakesPerSecond', 'handshakes/s', 'higher', 'protocol'),
      column('serverCpuUsPerHandshake', 'server CPU us/handshake', 'lower', 'protocol'),
      column('memoryPerConnectionKb', 'KB/connection', 'lower', 'protocol'),
      column('serverRssMb', 'server RSS MB', 'lower', 'total'),
      column('failedHandshakes', 'failed', 'lower', 'total', false),
    ],
  },
};

/** A figure formatted for the table: three significant digits, thousands as k. */
export function formatFigure(value: number): string {
  if (!Number.isFinite(value)) return '-';
  const magnitude = Math.abs(value);
  if (magnitude >= 10_000) return `${Math.round(value / 1000)}k`;
  if (magnitude >= 100) return String(Math.round(value));
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude === 0) return '0';
  return value.toPrecision(3);
}

/** A ratio formatted for the table. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '';
  return ratio >= 10
    ? `${ratio.toFixed(0)}x`
    : ratio >= 0.1
      ? `${ratio.toFixed(2)}x`
      : `${ratio.toFixed(3)}x`;
}
