import { describe, expect, it } from 'vitest';
import { FULL_PLAN } from '../constants.js';
import type { RunRecord } from '../runner.js';
import { NAIVE_SUBJECTS, type Subject } from '../subjects.js';
import { renderChart } from './chart-svg.js';
import { formatFigure } from './figures.js';
import { summarizeRuns } from './summary.js';
import { formatCell, layoutTable, renderReport } from './table.js';
import { checkTargets } from './targets.js';

const draftbridge: Subject = {
  ...(NAIVE_SUBJECTS[2] as Subject),
  name: 'draftbridge',
  description: 'draftbridge',
};
const subjects = [...NAIVE_SUBJECTS, draftbridge];

const record = (
  scenario: RunRecord['scenario'],
  subject: RunRecord['subject'],
  metrics: Record<string, number>,
): RunRecord => ({ scenario, subject, repetition: 1, metrics, notes: [] });

const records: RunRecord[] = [
  record('burst', 'ws', {
    deliveriesPerSecond: 100_000,
    p99Ms: 9000,
    'rfc6455.p99Ms': 9000,
    'rfc6455.doneMs': 10_000,
  }),
  record('burst', 'draftbridge', {
    deliveriesPerSecond: 1_200_000,
    p99Ms: 700,
    'rfc6455.p99Ms': 700,
    'hixie76.p99Ms': 1200,
    'rfc6455.doneMs': 800,
    'hixie76.doneMs': 820,
    serverPeakRssMb: 100,
  }),
  record('slow-reader', 'draftbridge', {
    deliveriesPerSecond: 1_000_000,
    p99Ms: 720,
    serverPeakRssMb: 105,
  }),
  record('capacity', 'websocket-node', {
    'rfc6455.memoryPerConnectionKb': 12,
    'rfc6455.handshakesPerSecond': 3000,
  }),
  record('capacity', 'faye-websocket', {
    'hixie76.memoryPerConnectionKb': 17,
    'hixie76.handshakesPerSecond': 2000,
  }),
  record('capacity', 'draftbridge', {
    'rfc6455.memoryPerConnectionKb': 15,
    'rfc6455.handshakesPerSecond': 2900,
    'hixie76.memoryPerConnectionKb': 17,
    'hixie76.handshakesPerSecond': 1500,
  }),
];

describe('checkTargets', () => {
  const checks = checkTargets(summarizeRuns(records));
  const find = (text: string) => checks.find((check) => check.target.startsWith(text));

  it('compares fan-out and latency with naive ws, both paths', () => {
    expect(find('burst: deliveries/s')).toMatchObject({
      met: true,
      measured: '1200k = 12x naive ws',
    });
    expect(find('burst RFC 6455: p99')?.met).toBe(true);
    expect(find('burst hixie-76: p99')?.met).toBe(false);
    expect(find('burst hixie-76: last delivery')?.met).toBe(true);
  });

  it('compares memory and handshakes with the bare engine of each path', () => {
    expect(find('capacity RFC 6455: memory')).toMatchObject({ met: false });
    expect(find('capacity RFC 6455: handshakes')).toMatchObject({ met: true });
    expect(find('capacity hixie-76: memory')).toMatchObject({ met: true });
    expect(find('capacity hixie-76: handshakes')).toMatchObject({ met: false });
  });

  it('holds the slow reader to draftbridge own burst, and says when nothing was measured', () => {
    expect(find('slow reader: deliveries/s')?.met).toBe(false);
    expect(find('slow reader: p99')?.met).toBe(true);
    expect(find('slow reader: peak RSS')?.met).toBe(true);
    expect(find('paced RFC 6455')).toMatchObject({ met: null, measured: 'not measured' });
  });
});

describe('table', () => {
  it('formats a cell as median, spread and ratio', () => {
    expect(
      formatCell(
        {
          median: 100_000,
          min: 90_000,
          max: 120_000,
          values: [90_000, 100_000, 120_000],
          ratio: 1,
        },
        true,
      ),
    ).toBe('100k ±15% 1.00x');
    expect(formatCell({ median: 2.5, min: 2.5, max: 2.5, values: [2.5], ratio: 0.04 }, false)).toBe(
      '2.50',
    );
    expect(formatFigure(Number.NaN)).toBe('-');
  });

  it('aligns columns', () => {
    expect(
      layoutTable(
        ['', 'a'],
        [
          ['ws', '1'],
          ['draftbridge', '100'],
        ],
      ),
    ).toBe(`${' '.repeat(15)}a\n-----------  ---\nws             1\ndraftbridge  100`);
  });

  it('renders every measured scenario with protocol rows and the targets', () => {
    const summary = summarizeRuns(records);
    const titles = { burst: 'BURST', paced: 'PACED', capacity: 'CAPACITY', 'slow-reader': 'SLOW' };
    const text = renderReport({
      summary,
      subjects,
      titles,
      repetitions: 1,
      targets: checkTargets(summary),
      skipped: [],
    });
    expect(text).toContain('BURST');
    expect(text).not.toContain('PACED');
    expect(text).toMatch(/draftbridge\s+1200k 12x/);
    expect(text).toMatch(/ {2}hixie-76 .*1200 0\.13x/);
    expect(text).toContain('ok burst: deliveries/s >= 10x naive ws');
  });
});

describe('renderChart', () => {
  it('draws an SVG with one bar per subject and path', () => {
    const svg = renderChart({
      summary: summarizeRuns(records),
      subjects,
      caption: `plan ${FULL_PLAN.burstReceivers}`,
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('draftbridge hixie-76');
    expect(svg).toContain('1200k (12x)');
    expect(svg.match(/<rect /g)?.length).toBeGreaterThan(6);
  });
});
