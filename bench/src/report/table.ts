/**
 * The printed table: one block per scenario, one row per subject plus one per protocol where a
 * subject serves two (and always in the capacity scenario). A cell reads
 * `median ±spread% ratio`: the spread is half the range of the repetitions as a share of the
 * median, the ratio is to naive `ws` in the same run.
 */
import { SCENARIO_NAMES, type ScenarioName, type WireProtocol } from '../constants.js';
import { SUBJECT_NAMES, type Subject } from '../subjects.js';
import { type FigureColumn, formatFigure, formatRatio, SCENARIO_FIGURES } from './figures.js';
import type { BenchSummary, FigureSummary, SubjectFigures } from './summary.js';
import type { TargetCheck } from './targets.js';

/** Scenarios in the order of the numbering. */
export const DISPLAY_ORDER: readonly ScenarioName[] = ['burst', 'paced', 'capacity', 'slow-reader'];

const PROTOCOL_ROW: Record<WireProtocol, string> = { rfc6455: '  RFC 6455', hixie76: '  hixie-76' };

/** One cell: the median, its spread over the repetitions, and the ratio to the baseline. */
export function formatCell(summary: FigureSummary | undefined, withRatio: boolean): string {
  if (summary === undefined) return '';
  let text = formatFigure(summary.median);
  if (summary.values.length > 1 && summary.median !== 0) {
    const halfRange = ((summary.max - summary.min) / 2 / Math.abs(summary.median)) * 100;
    text += ` ±${halfRange.toFixed(0)}%`;
  }
  if (withRatio && summary.ratio !== null) text += ` ${formatRatio(summary.ratio)}`;
  return text;
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
    `median ±half-range% over ${options.repetitions} repetition(s), then the ratio to naive ws of this run`,
  ];
  const subjects = [...options.subjects].sort(
    (a, b) => SUBJECT_NAMES.indexOf(a.name) - SUBJECT_NAMES.indexOf(b.name),
  );
  for (const scenario of DISPLAY_ORDER.filter((s) => SCENARIO_NAMES.includes(s))) {
    const bySubject = options.summary[scenario];
    if (bySubject === undefined) continue;
    const { columns } = SCENARIO_FIGURES[scenario];
    const rows = subjects.flatMap((subject) => {
      const figures = bySubject[subject.name];
      return figures === undefined ? [] : rowsFor(scenario, subject, figures, columns);
    });
    blocks.push(
      `${options.titles[scenario]}\n${layoutTable(['', ...columns.map((c) => c.label)], rows)}`,
    );
  }
  for (const { name, reason } of options.skipped) blocks.push(`${name} skipped: ${reason}`);
  const mark = (met: boolean | null): string => (met === null ? '  ' : met ? 'ok' : '--');
  for (const subject of new Set(options.targets.map((t) => t.subject))) {
    const lines = options.targets
      .filter((t) => t.subject === subject)
      .map((t) => `${mark(t.met)} ${t.target}: ${t.measured}`);
    blocks.push(`Targets (${subject})\n${lines.join('\n')}`);
  }
  return blocks.join('\n\n');
}
