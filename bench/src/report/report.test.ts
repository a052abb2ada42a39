import { describe, expect, it } from 'vitest';
import { FULL_PLAN, SCENARIO_NAMES, type ScenarioName } from '../constants.js';
import type { RunRecord } from '../runner.js';
import { scenarioTitle } from '../scenarios/catalog.js';
import { draftbridgeSubject, PEER_SUBJECTS } from '../subjects.js';
import { measurementCaveats } from './caveats.js';
import { renderChart } from './chart-svg.js';
import { formatFigure } from './figures.js';
import { renderHeadline } from './headline.js';
import { summarizeRuns } from './summary.js';
import { formatCell, layoutTable, renderReport } from './table.js';
import { checkTargets } from './targets.js';

const subjects = [...PEER_SUBJECTS, draftbridgeSubject('memory')];

const record = (
  scenario: RunRecord['scenario'],
  subject: RunRecord['subject'],
  metrics: Record<string, number>,
): RunRecord => ({ scenario, subject, repetition: 1, attempt: 1, metrics, notes: [] });

const records: RunRecord[] = [
  record('burst-100', 'bound', {
    deliveriesPerSecond: 2_000_000,
    'rfc6455.deliveriesPerSecond': 1_000_000,
    'hixie76.deliveriesPerSecond': 1_000_000,
    'rfc6455.p99Ms': 300,
    'hixie76.p99Ms': 300,
    gcMarkCompact: 0,
  }),
  record('burst-100', 'ws', {
    deliveriesPerSecond: 100_000,
    'rfc6455.deliveriesPerSecond': 100_000,
    p99Ms: 9000,
    'rfc6455.p99Ms': 9000,
    gcMarkCompact: 1,
  }),
  record('burst-100', 'draftbridge', {
    deliveriesPerSecond: 1_940_000,
    'rfc6455.deliveriesPerSecond': 990_000,
    'hixie76.deliveriesPerSecond': 900_000,
    p99Ms: 700,
    'rfc6455.p99Ms': 700,
    'hixie76.p99Ms': 1800,
    gcMarkCompact: 5,
    serverPeakRssMb: 100,
  }),
  record('burst-500', 'draftbridge', {
    deliveriesPerSecond: 1_000_000,
    p99Ms: 700,
    serverPeakRssMb: 100,
  }),
  record('slow-reader', 'draftbridge', {
    deliveriesPerSecond: 850_000,
    p99Ms: 720,
    serverPeakRssMb: 105,
  }),
  record('paced-light', 'ws', { 'rfc6455.p99Ms': 10 }),
  record('paced-light', 'draftbridge', { 'rfc6455.p99Ms': 9, 'hixie76.p99Ms': 11 }),
  record('capacity', 'bound', { 'hixie76.handshakeMarkCompacts': 1 }),
  record('capacity', 'websocket-node', {
    'rfc6455.heapPerConnectionKb': 6,
    'rfc6455.memoryPerConnectionKb': 12,
    'rfc6455.handshakesPerSecond': 3000,
  }),
  record('capacity', 'faye-websocket', {
    'hixie76.heapPerConnectionKb': 10,
    'hixie76.memoryPerConnectionKb': 17,
    'hixie76.handshakesPerSecond': 2000,
    'hixie76.handshakeMarkCompacts': 0,
  }),
  record('capacity', 'draftbridge', {
    'rfc6455.heapPerConnectionKb': 7,
    'rfc6455.memoryPerConnectionKb': 15,
    'rfc6455.handshakesPerSecond': 2900,
    'hixie76.heapPerConnectionKb': 11,
    'hixie76.memoryPerConnectionKb': 17,
    'hixie76.handshakesPerSecond': 1500,
    'hixie76.handshakeMarkCompacts': 2,
  }),
];

const titles = Object.fromEntries(SCENARIO_NAMES.map((name) => [name, `TITLE ${name}`])) as Record<
  ScenarioName,
  string
>;

describe('checkTargets', () => {
  const checks = checkTargets(summarizeRuns(records));
  const find = (text: string) => checks.find((check) => check.target.startsWith(text));

  it('holds each path of a burst to the bound and its p99 to naive ws', () => {
    expect(find('burst-100 RFC 6455: deliveries/s')).toMatchObject({
      met: true,
      measured: '990k vs 1000k = 0.99x bound',
    });
    expect(find('burst-100 hixie-76: deliveries/s')?.met).toBe(false);
    expect(find('burst-100 RFC 6455: p99')?.met).toBe(true);
    // naive ws has no hixie-76 path: its RFC 6455 figure is the reference.
    expect(find('burst-100 hixie-76: p99')?.measured).toBe('1800 vs 9000 = 0.20x naive ws');
    expect(find('burst-100: mark-compact')?.met).toBe(false);
    expect(find('burst-10 RFC 6455: deliveries/s')).toMatchObject({ met: null });
  });

  it('compares paced latency with naive ws and idle connections with the bare engine', () => {
    expect(find('paced-light RFC 6455')?.met).toBe(true);
    expect(find('paced-light hixie-76')?.met).toBe(false);
    expect(find('capacity RFC 6455: JS heap')).toMatchObject({ met: true });
    expect(find('capacity RFC 6455: RSS')).toMatchObject({ met: false });
    expect(find('capacity RFC 6455: handshakes')).toMatchObject({ met: true });
    expect(find('capacity hixie-76: JS heap')).toMatchObject({ met: true });
    expect(find('capacity hixie-76: handshakes')).toMatchObject({ met: false });
    expect(find('capacity hixie-76: CPU/handshake')).toMatchObject({ met: null });
  });

  it('holds the slow reader to draftbridge own burst of the same room', () => {
    expect(find('slow-reader: deliveries/s')?.met).toBe(false);
    expect(find('slow-reader: p99')?.met).toBe(true);
    expect(find('slow-reader: peak RSS')?.met).toBe(true);
  });
});

describe('table', () => {
  it('formats a cell as median, spread and both ratios', () => {
    expect(
      formatCell(
        {
          median: 100_000,
          min: 90_000,
          max: 120_000,
          values: [90_000, 100_000, 120_000],
          vsBound: 0.5,
          vsNaive: 1,
        },
        true,
      ),
    ).toBe('100k ±15% b0.50 w1.00');
    expect(
      formatCell(
        { median: 2.5, min: 2.5, max: 2.5, values: [2.5], vsBound: null, vsNaive: 0.04 },
        true,
      ),
    ).toBe('2.50 w0.040');
    expect(formatFigure(Number.NaN)).toBe('-');
    expect(formatFigure(12_345_678)).toBe('12.3M');
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

  it('renders every measured scenario with protocol rows, ratios and the targets', () => {
    const summary = summarizeRuns(records);
    const text = renderReport({
      summary,
      subjects,
      titles,
      repetitions: 1,
      targets: checkTargets(summary),
      skipped: [],
    });
    expect(text).toContain('TITLE burst-100');
    expect(text).not.toContain('TITLE paced-heavy');
    expect(text).toMatch(/draftbridge\s+1940k b0\.97 w19/);
    expect(text).toMatch(/ {2}hixie-76\s+900k b0\.90 w9\.00/);
    expect(text).toContain('-- burst-100 hixie-76: deliveries/s >= 0.95x bound');
    // No subject measured the redis-server's CPU: the column is left out.
    expect(text).not.toContain('redis CPU');
  });
});

describe('renderHeadline', () => {
  it('gives each target figure its ratios and verdict', () => {
    const summary = summarizeRuns(records);
    const headline = renderHeadline(summary, checkTargets(summary));
    const row = headline.split('\n').find((line) => line.startsWith('| burst-100: deliveries/s'));
    expect(row).toContain('**1940k** (0.97x bound, 19x ws)');
    expect(row).toContain('**missed** (hixie-76)');
    expect(headline).toContain('| capacity hixie-76: handshakes/s |');
  });

  it('gives a count of collections plain, without ratios', () => {
    const summary = summarizeRuns(records);
    const row = renderHeadline(summary, checkTargets(summary))
      .split('\n')
      .find((line) => line.startsWith('| capacity hixie-76: mark-compacts'));
    expect(row).toBe(
      '| capacity hixie-76: mark-compacts in the handshake batches | 1.00 | - | faye-websocket 0 | **2.00** | - | stated |',
    );
  });
});

describe('renderChart', () => {
  it('draws an SVG with one bar per subject and path', () => {
    const svg = renderChart({
      summary: summarizeRuns(records),
      subjects,
      caption: scenarioTitle('burst-500', FULL_PLAN),
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('draftbridge hixie-76');
    expect(svg).toContain('1940k b0.97 w19');
    expect(svg.match(/<rect /g)?.length).toBeGreaterThan(6);
  });
});

describe('measurementCaveats', () => {
  it('names the runs whose generator used most of a core', () => {
    const summary = summarizeRuns([
      record('burst-2000', 'bound', { generatorCpuPercent: 97, serverCpuPercent: 60 }),
      record('burst-2000', 'draftbridge', { generatorCpuPercent: 40, serverCpuPercent: 100 }),
    ]);
    expect(measurementCaveats(summary)).toEqual([
      'burst-2000 bound: generator at 97% of a core, server at 60%: the bound may be the generator’s limit here, so "x bound" overstates the others',
    ]);
  });
});
