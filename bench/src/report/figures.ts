/**
 * Which figures each kind of scenario shows, how they are labelled and formatted, and which way
 * is better. The table, the chart and the headline all read from here.
 */
import type { ScenarioName } from '../constants.js';
import { SCENARIOS } from '../scenarios/catalog.js';

/** Whether a larger value of a figure is better. */
export type Better = 'higher' | 'lower';

/** One column of a scenario's table. */
export interface FigureColumn {
  /** The metric key; per-protocol rows read `<protocol>.<key>`. */
  readonly key: string;
  readonly label: string;
  readonly better: Better;
  /** Shown on the subject's own row (all members together). */
  readonly onTotalRow: boolean;
  /** Shown on each protocol's row. */
  readonly onProtocolRows: boolean;
  /** Whether ratios to the references mean something for this figure (not for CPU shares). */
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

const GC_COLUMNS: readonly FigureColumn[] = [
  column('gcMarkCompact', 'mark-compacts', 'lower', 'total'),
  column('gcScavenge', 'scavenges', 'lower', 'total'),
  column('gcMs', 'GC ms', 'lower', 'total'),
];

const LATENCY_COLUMNS: readonly FigureColumn[] = [
  column('p50Ms', 'p50 ms', 'lower', 'both'),
  column('p99Ms', 'p99 ms', 'lower', 'both'),
];

// The CPU of everything but the server under test, in the order the tables show it.
const OTHER_CPU_COLUMNS: readonly FigureColumn[] = [
  column('redisCpuPercent', 'redis CPU %', 'lower', 'total', false),
  column('generatorCpuPercent', 'generator CPU %', 'lower', 'total', false),
  column('otherCpuPercent', 'rest CPU %', 'lower', 'total', false),
];

const SERVER_CPU_COLUMN = column('serverCpuPercent', 'server CPU %', 'lower', 'total', false);

const BURST_COLUMNS: readonly FigureColumn[] = [
  column('deliveriesPerSecond', 'deliveries/s', 'higher', 'both'),
  ...LATENCY_COLUMNS,
  SERVER_CPU_COLUMN,
  column('serverSystemPercent', 'of it kernel %', 'lower', 'total', false),
  // System calls that wrote, over the window: one per member per turn is the design.
  column('serverWriteCalls', 'write calls', 'lower', 'total', false),
  ...OTHER_CPU_COLUMNS,
  ...GC_COLUMNS,
  column('serverPeakRssMb', 'peak RSS MB', 'lower', 'total'),
];

const COLUMNS: Record<'burst' | 'slow-reader' | 'paced' | 'capacity', readonly FigureColumn[]> = {
  burst: BURST_COLUMNS,
  'slow-reader': [
    ...BURST_COLUMNS,
    column('slowReaderClosed', 'slow reader closed', 'lower', 'total', false),
  ],
  paced: [
    ...LATENCY_COLUMNS,
    column('maxMs', 'max ms', 'lower', 'both'),
    column('deliveredFraction', 'delivered', 'higher', 'total', false),
    SERVER_CPU_COLUMN,
    ...OTHER_CPU_COLUMNS,
    ...GC_COLUMNS,
  ],
  capacity: [
    column('handshakesPerSecond', 'handshakes/s', 'higher', 'protocol'),
    column('serverCpuUsPerHandshake', 'server CPU us/handshake', 'lower', 'protocol'),
    column('mainThreadCpuUsPerHandshake', 'of it main thread us', 'lower', 'protocol'),
    // A mark-compact in a path's batches, or none, moved its CPU per handshake by tens of
    // microseconds (bench/README.md, "Gaps").
    column('handshakeMarkCompacts', 'mark-compacts in them', 'lower', 'protocol', false),
    column('handshakeGcMs', 'GC ms in them', 'lower', 'protocol', false),
    column('heapPerConnectionKb', 'heap KB/conn', 'lower', 'protocol'),
    column('memoryPerConnectionKb', 'RSS KB/conn', 'lower', 'protocol'),
    column('serverRssMb', 'server RSS MB', 'lower', 'total'),
    column('otherCpuPercent', 'rest CPU %', 'lower', 'total', false),
    column('failedHandshakes', 'failed', 'lower', 'total', false),
  ],
};

/** The columns of a scenario's table. */
export function columnsOf(scenario: ScenarioName): readonly FigureColumn[] {
  if (scenario === 'slow-reader') return COLUMNS['slow-reader'];
  return COLUMNS[SCENARIOS[scenario].kind];
}

/** A figure formatted for the table: three significant digits, thousands as k, millions as M. */
export function formatFigure(value: number): string {
  if (!Number.isFinite(value)) return '-';
  const magnitude = Math.abs(value);
  if (magnitude >= 10_000_000) return `${(value / 1_000_000).toFixed(1)}M`;
  if (magnitude >= 10_000) return `${Math.round(value / 1000)}k`;
  if (magnitude >= 100) return String(Math.round(value));
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude === 0) return '0';
  return value.toPrecision(3);
}

/** A ratio formatted for the table, without a unit. */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return '';
  return ratio >= 10 ? ratio.toFixed(0) : ratio >= 0.1 ? ratio.toFixed(2) : ratio.toFixed(3);
}

/** The two ratios of a figure, `b<x bound> w<x naive ws>`, leaving out a missing one. */
export function formatRatios(vsBound: number | null, vsNaive: number | null): string {
  const parts: string[] = [];
  if (vsBound !== null && Number.isFinite(vsBound)) parts.push(`b${formatRatio(vsBound)}`);
  if (vsNaive !== null && Number.isFinite(vsNaive)) parts.push(`w${formatRatio(vsNaive)}`);
  return parts.join(' ');
}
