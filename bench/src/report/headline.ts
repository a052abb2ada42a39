/**
 * The headline: one Markdown table of the figures the issue's targets are about, each with its
 * ratios to the same-work bound and naive ws (and, for the idle-connection figures, to the bare
 * engine of the path), and whether its target was met. The bench prints it after a run and keeps
 * it in the results file; README.md and bench/README.md carry the committed run's.
 */
import { EXTRA_MARK_COMPACTS_ALLOWED, type ScenarioName, type WireProtocol } from '../constants.js';
import type { SubjectName } from '../subjects.js';
import { columnsOf, formatFigure, formatRatio } from './figures.js';
import type { BenchSummary, FigureSummary } from './summary.js';
import { BARE_ENGINE, PROTOCOL_LABEL, TARGET_BURSTS, type TargetCheck } from './targets.js';

const PATHS: readonly WireProtocol[] = ['rfc6455', 'hixie76'];

type Cell = string;

const SLOW_READER_LABEL: Record<string, string> = {
  deliveriesPerSecond: 'deliveries/s',
  p99Ms: 'p99',
  serverPeakRssMb: 'peak RSS',
};

interface Row {
  readonly figure: string;
  readonly bound: Cell;
  readonly naive: Cell;
  readonly engine: Cell;
  readonly draftbridge: Cell;
  readonly redis: Cell;
  readonly target: Cell;
}

const ratio = (label: string, value: number | null | undefined): string =>
  value === null || value === undefined || !Number.isFinite(value)
    ? ''
    : `${formatRatio(value)}x ${label}`;

function withRatios(figure: FigureSummary | undefined, bold: boolean): Cell {
  if (figure === undefined) return '-';
  const value = formatFigure(figure.median);
  const ratios = [ratio('bound', figure.vsBound), ratio('ws', figure.vsNaive)].filter(Boolean);
  const shown = bold ? `**${value}**` : value;
  return ratios.length === 0 ? shown : `${shown} (${ratios.join(', ')})`;
}

function verdict(checks: readonly TargetCheck[], text: string): Cell {
  const measured = checks.filter((c) => c.met !== null);
  if (measured.length === 0) return `${text}: not measured`;
  const missed = measured.filter((c) => c.met === false);
  if (missed.length === 0) return `${text}: **met**`;
  const which = missed.map((c) => {
    const path = PATHS.find((p) => c.figure.startsWith(`${p}.`));
    return path === undefined ? c.scenario : PROTOCOL_LABEL[path];
  });
  return `${text}: **missed** (${[...new Set(which)].join(', ')})`;
}

/** Builds the headline table of `summary` and `targets` (draftbridge's). */
export function renderHeadline(summary: BenchSummary, targets: readonly TargetCheck[]): string {
  const get = (scenario: ScenarioName, subject: SubjectName, key: string) =>
    summary[scenario]?.[subject]?.[key];
  const checksOf = (scenario: ScenarioName, figure: string) =>
    targets.filter(
      (t) => t.subject === 'draftbridge' && t.scenario === scenario && t.figure.endsWith(figure),
    );
  const rows: Row[] = [];
  const paths = (scenario: ScenarioName, subject: SubjectName, key: string, bold: boolean) =>
    PATHS.map((p) => withRatios(get(scenario, subject, `${p}.${key}`), bold)).join(' / ');
  const p99Row = (scenario: ScenarioName, target: string): Row => ({
    figure: `${scenario}: p99 ms, RFC 6455 / hixie-76`,
    bound: paths(scenario, 'bound', 'p99Ms', false),
    naive: withRatios(get(scenario, 'ws', 'p99Ms'), false),
    engine: '',
    draftbridge: paths(scenario, 'draftbridge', 'p99Ms', true),
    redis: paths(scenario, 'draftbridge-redis', 'p99Ms', false),
    target: verdict(checksOf(scenario, 'p99Ms'), target),
  });

  for (const scenario of TARGET_BURSTS) {
    const draftbridgePaths = PATHS.map(
      (p) =>
        `${PROTOCOL_LABEL[p]} ${ratio('bound', get(scenario, 'draftbridge', `${p}.deliveriesPerSecond`)?.vsBound) || '-'}`,
    ).join(', ');
    rows.push({
      figure: `${scenario}: deliveries/s`,
      bound: withRatios(get(scenario, 'bound', 'deliveriesPerSecond'), false),
      naive: withRatios(get(scenario, 'ws', 'deliveriesPerSecond'), false),
      engine: '',
      draftbridge: `${withRatios(get(scenario, 'draftbridge', 'deliveriesPerSecond'), true)}; per path ${draftbridgePaths}`,
      redis: withRatios(get(scenario, 'draftbridge-redis', 'deliveriesPerSecond'), false),
      target: verdict(checksOf(scenario, 'deliveriesPerSecond'), '>= 0.95x bound, each path'),
    });
    rows.push(p99Row(scenario, '<= 0.15x naive ws'));
  }
  const gcs = (subject: SubjectName) =>
    TARGET_BURSTS.map((s) =>
      formatFigure(get(s, subject, 'gcMarkCompact')?.median ?? Number.NaN),
    ).join(' / ');
  rows.push({
    figure: `mark-compact GCs per burst (${TARGET_BURSTS.map((s) => s.replace(/^burst-/, '')).join(' / ')})`,
    bound: gcs('bound'),
    naive: gcs('ws'),
    engine: '',
    draftbridge: `**${gcs('draftbridge')}**`,
    redis: gcs('draftbridge-redis'),
    target: verdict(
      targets.filter((t) => t.subject === 'draftbridge' && t.figure === 'gcMarkCompact'),
      `<= naive ws + ${EXTRA_MARK_COMPACTS_ALLOWED}`,
    ),
  });
  for (const scenario of ['paced-light', 'paced-heavy'] as const) {
    rows.push(p99Row(scenario, '<= naive ws'));
  }
  const capacity: readonly { key: string; label: string; target: string }[] = [
    { key: 'handshakesPerSecond', label: 'handshakes/s', target: '>= 0.9x engine' },
    { key: 'serverCpuUsPerHandshake', label: 'server CPU us/handshake', target: 'stated' },
    { key: 'mainThreadCpuUsPerHandshake', label: 'of it main thread us', target: 'stated' },
    // A mark-compact's marking runs mostly on V8's helper threads: one in a path's batches, or
    // none, moved its CPU per handshake by tens of microseconds (bench/README.md, "Gaps").
    {
      key: 'handshakeMarkCompacts',
      label: 'mark-compacts in the handshake batches',
      target: 'stated',
    },
    { key: 'heapPerConnectionKb', label: 'JS heap KB/idle connection', target: '<= 1.2x engine' },
    { key: 'memoryPerConnectionKb', label: 'RSS KB/idle connection', target: '<= 1.2x engine' },
  ];
  const capacityColumns = columnsOf('capacity');
  for (const { key, label, target } of capacity) {
    // A figure whose table column shows no ratios (a count of collections, most of them 0) is
    // given plain here too.
    const plain = capacityColumns.find((c) => c.key === key)?.ratio === false;
    const cell = (figure: FigureSummary | undefined, bold: boolean): Cell => {
      if (!plain) return withRatios(figure, bold);
      if (figure === undefined) return '-';
      const value = formatFigure(figure.median);
      return bold ? `**${value}**` : value;
    };
    for (const path of PATHS) {
      const engine = get('capacity', BARE_ENGINE[path], `${path}.${key}`);
      const mine = get('capacity', 'draftbridge', `${path}.${key}`);
      const vsEngine =
        !plain && mine !== undefined && engine !== undefined && engine.median !== 0
          ? `; ${formatRatio(mine.median / engine.median)}x engine`
          : '';
      const checks = targets.filter(
        (t) =>
          t.subject === 'draftbridge' && t.scenario === 'capacity' && t.figure === `${path}.${key}`,
      );
      rows.push({
        figure: `capacity ${PROTOCOL_LABEL[path]}: ${label}`,
        bound: cell(get('capacity', 'bound', `${path}.${key}`), false),
        naive: cell(get('capacity', 'ws', `${path}.${key}`), false),
        engine: `${BARE_ENGINE[path]} ${engine === undefined ? '-' : formatFigure(engine.median)}`,
        draftbridge: `${cell(mine, true)}${vsEngine}`,
        redis: cell(get('capacity', 'draftbridge-redis', `${path}.${key}`), false),
        target: target === 'stated' ? 'stated' : verdict(checks, target),
      });
    }
  }
  const slow = targets.filter((t) => t.subject === 'draftbridge' && t.scenario === 'slow-reader');
  rows.push({
    figure: 'slow reader: the others vs own burst-500',
    bound: '',
    naive: '',
    engine: '',
    draftbridge: slow
      .map(
        (t) => `${SLOW_READER_LABEL[t.figure] ?? t.figure} ${t.measured.split('= ').at(-1) ?? ''}`,
      )
      .join(', '),
    redis: '',
    target: verdict(slow, 'within 10%, bounded'),
  });
  const header =
    '| figure | bound | naive ws | bare engine | draftbridge | draftbridge-redis | target |\n|---|---|---|---|---|---|---|';
  const lines = rows.map(
    (r) =>
      `| ${r.figure} | ${r.bound} | ${r.naive} | ${r.engine} | ${r.draftbridge} | ${r.redis} | ${r.target} |`,
  );
  return [header, ...lines].join('\n');
}
