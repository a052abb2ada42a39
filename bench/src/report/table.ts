/**
 * The printed tables: one block per scenario, one row per subject plus one per protocol where a
 * subject serves two (and always in the capacity scenario). A cell reads
 * `median ±spread% b<x bound> w<x naive ws>`: the spread is half the range of the repetitions
 * as a share of the median, the ratios are to the same-work bound and to naive ws in the same
 * run. Columns no subject has a figure for are left out.
 */
import { SCENARIO_NAMES, type ScenarioName, type WireProtocol } from '../constants.js';
import { SUBJECT_NAMES, type Subject } from '../subjects.js';
import { columnsOf, type FigureColumn, formatFigure, formatRatios } from './figures.js';
import type { BenchSummary, FigureSummary, SubjectFigures } from './summary.js';
import type { TargetCheck } from './targets.js';

const PROTOCOL_ROW: Record<WireProtocol, string> = { rfc6455: '  RFC 6455', hixie76: '  hixie-76' };

/** One cell: the median, its spread over the repetitions, and the ratios to the references. */
export function formatCell(summary: FigureSummary | undefined, withRatio: boolean): string {
  if (summary === undefined) return '';
  let text = formatFigure(summary.median);
  if (summary.values.length > 1 && summary.median !== 0) {
    const halfRange = ((summary.max - summary.min) / 2 / Math.abs(summary.median)) * 100;
    text += ` ±${halfRange.toFixed(0)}%`;
  }
  const ratios = withRatio ? formatRatios(summary.vsBound, summary.vsNaive) : '';
  return ratios === '' ? text : `${text} ${ratios}`;
}

/** Lays out rows as a fixed-width text table; the first column is left-aligned. */
export function layoutTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

function rowsFor(
  scenario: ScenarioName,
  subject: Subject,
  figures: SubjectFigures,
  columns: readonly FigureColumn[],
): string[][] {
  const rows: string[][] = [];
  const perProtocol = subject.protocols.length > 1 || scenario === 'capacity';
  if (columns.some((c) => c.onTotalRow)) {
    rows.push([
      subject.name,
      ...columns.map((c) => (c.onTotalRow ? formatCell(figures[c.key], c.ratio) : '')),
    ]);
  }
  if (perProtocol) {
    for (const protocol of subject.protocols) {
      rows.push([
        PROTOCOL_ROW[protocol],
        ...columns.map((c) =>
          c.onProtocolRows ? formatCell(figures[`${protocol}.${c.key}`], c.ratio) : '',
        ),
      ]);
    }
  }
  return rows;
}

/** One scenario's block, or null when nothing was measured in it. */
export function renderScenario(
  scenario: ScenarioName,
  title: string,
  summary: BenchSummary,
  subjects: readonly Subject[],
): string | null {
  const bySubject = summary[scenario];
  if (bySubject === undefined) return null;
  const all = columnsOf(scenario);
  const rows = subjects.flatMap((subject) => {
    const figures = bySubject[subject.name];
    return figures === undefined ? [] : rowsFor(scenario, subject, figures, all);
  });
  const used = all.map((_, i) => rows.some((row) => (row[i + 1] ?? '') !== ''));
  const columns = all.filter((_, i) => used[i]);
  const kept = rows.map((row) => [row[0] ?? '', ...row.slice(1).filter((_, i) => used[i])]);
  return `${title}\n${layoutTable(['', ...columns.map((c) => c.label)], kept)}`;
}

/** Every scenario's table, the skipped subjects, and the targets. */
export function renderReport(options: {
  readonly summary: BenchSummary;
  readonly subjects: readonly Subject[];
  readonly titles: Record<ScenarioName, string>;
  readonly repetitions: number;
  readonly targets: readonly TargetCheck[];
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
}): string {
  const blocks: string[] = [
    `median ±half-range% over ${options.repetitions} repetition(s); b = ratio to the same-work bound, w = ratio to naive ws, in this run`,
  ];
  const subjects = [...options.subjects].sort(
    (a, b) => SUBJECT_NAMES.indexOf(a.name) - SUBJECT_NAMES.indexOf(b.name),
  );
  for (const scenario of SCENARIO_NAMES) {
    const block = renderScenario(scenario, options.titles[scenario], options.summary, subjects);
    if (block !== null) blocks.push(block);
  }
  for (const { name, reason } of options.skipped) blocks.push(`${name} skipped: ${reason}`);
  const mark = (met: boolean | null): string => (met === null ? '  ' : met ? 'ok' : '--');
  for (const subject of new Set(options.targets.map((t) => t.subject))) {
    const lines = options.targets
      .filter((t) => t.subject === subject)
      .map((t) => `${mark(t.met)} ${t.target}: ${t.measured}`);
    const met = options.targets.filter((t) => t.subject === subject && t.met === true).length;
    const missed = options.targets.filter((t) => t.subject === subject && t.met === false).length;
    blocks.push(`Targets (${subject}): ${met} met, ${missed} missed\n${lines.join('\n')}`);
  }
  return blocks.join('\n\n');
}
