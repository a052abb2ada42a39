/**
 * The chart: small panels of horizontal bars, one bar per subject (and per protocol where the
 * figure is per path). A bar is the median, the whisker the range over the repetitions, and the
 * label the value with its ratios to the same-work bound (b) and naive `ws` (w). Plain SVG
 * written by hand: no dependency, and it renders on GitHub and in any browser.
 */
import type { ScenarioName, WireProtocol } from '../constants.js';
import type { Subject, SubjectName } from '../subjects.js';
import { type Better, formatFigure, formatRatios } from './figures.js';
import type { BenchSummary, FigureSummary } from './summary.js';

interface Panel {
  readonly title: string;
  readonly scenario: ScenarioName;
  readonly key: string;
  readonly perProtocol: boolean;
  readonly better: Better;
}

const burstPanel = (scenario: ScenarioName): Panel => ({
  title: `${scenario}: deliveries/s`,
  scenario,
  key: 'deliveriesPerSecond',
  perProtocol: false,
  better: 'higher',
});

const PANELS: readonly Panel[] = [
  burstPanel('burst-10'),
  burstPanel('burst-100'),
  burstPanel('burst-500'),
  burstPanel('burst-2000'),
  burstPanel('rooms-100x10'),
  {
    title: 'burst-500: p99 latency, ms',
    scenario: 'burst-500',
    key: 'p99Ms',
    perProtocol: true,
    better: 'lower',
  },
  {
    title: 'paced-light: p99 latency, ms',
    scenario: 'paced-light',
    key: 'p99Ms',
    perProtocol: true,
    better: 'lower',
  },
  {
    title: 'paced-heavy: p99 latency, ms',
    scenario: 'paced-heavy',
    key: 'p99Ms',
    perProtocol: true,
    better: 'lower',
  },
  {
    title: 'capacity: handshakes/s',
    scenario: 'capacity',
    key: 'handshakesPerSecond',
    perProtocol: true,
    better: 'higher',
  },
  {
    title: 'capacity: JS heap per idle connection, KB',
    scenario: 'capacity',
    key: 'heapPerConnectionKb',
    perProtocol: true,
    better: 'lower',
  },
  {
    title: 'capacity: RSS per idle connection, KB',
    scenario: 'capacity',
    key: 'memoryPerConnectionKb',
    perProtocol: true,
    better: 'lower',
  },
  {
    title: 'slow-reader: deliveries/s to the others',
    scenario: 'slow-reader',
    key: 'deliveriesPerSecond',
    perProtocol: false,
    better: 'higher',
  },
];

const COLORS: Record<SubjectName, string> = {
  bound: '#222222',
  'bound-writev': '#555555',
  'bound-by-family': '#3d3d3d',
  ws: '#8a8a8a',
  'ws-echo': '#b8b8b8',
  'websocket-node': '#4a78b0',
  'faye-websocket': '#c7822f',
  'both-engines': '#d9b38c',
  draftbridge: '#2f9a5a',
  'draftbridge-redis': '#7b52ab',
  'draftbridge-baseline': '#9bc9a9',
};

const PROTOCOL_SUFFIX: Record<WireProtocol, string> = { rfc6455: 'RFC 6455', hixie76: 'hixie-76' };

const PANEL_WIDTH = 480;
const LABEL_WIDTH = 170;
const VALUE_WIDTH = 130;
const BAR_HEIGHT = 16;
const BAR_GAP = 6;
const PANEL_TITLE = 28;
const MARGIN = 20;
const HEADER = 56;
const COLUMNS = 2;

interface Bar {
  readonly label: string;
  readonly color: string;
  readonly hixie: boolean;
  readonly figure: FigureSummary;
}

function barsFor(panel: Panel, summary: BenchSummary, subjects: readonly Subject[]): Bar[] {
  const bars: Bar[] = [];
  for (const subject of subjects) {
    const figures = summary[panel.scenario]?.[subject.name];
    if (figures === undefined) continue;
    if (!panel.perProtocol) {
      const figure = figures[panel.key];
      if (figure !== undefined)
        bars.push({ label: subject.name, color: COLORS[subject.name], hixie: false, figure });
      continue;
    }
    for (const protocol of subject.protocols) {
      const figure = figures[`${protocol}.${panel.key}`];
      if (figure === undefined) continue;
      const label =
        subject.protocols.length > 1
          ? `${subject.name} ${PROTOCOL_SUFFIX[protocol]}`
          : subject.name;
      bars.push({ label, color: COLORS[subject.name], hixie: protocol === 'hixie76', figure });
    }
  }
  return bars;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function renderPanel(
  panel: Panel,
  bars: readonly Bar[],
  x: number,
  y: number,
  height: number,
): string {
  const parts = [
    `<rect x="${x}" y="${y}" width="${PANEL_WIDTH}" height="${height}" fill="#fafafa" stroke="#e2e2e2"/>`,
    `<text x="${x + 10}" y="${y + 19}" class="title">${escapeXml(panel.title)} (${panel.better} is better)</text>`,
  ];
  const scaleMax = Math.max(1e-9, ...bars.map((bar) => bar.figure.max)) * 1.05;
  const plotWidth = PANEL_WIDTH - LABEL_WIDTH - VALUE_WIDTH;
  const scale = (value: number): number => (Math.max(0, value) / scaleMax) * plotWidth;
  bars.forEach((bar, i) => {
    const top = y + PANEL_TITLE + i * (BAR_HEIGHT + BAR_GAP);
    const left = x + LABEL_WIDTH;
    const middle = top + BAR_HEIGHT / 2;
    const ratios = formatRatios(bar.figure.vsBound, bar.figure.vsNaive);
    const ratio = ratios === '' ? '' : ` ${ratios}`;
    parts.push(
      `<text x="${left - 6}" y="${middle + 4}" class="label" text-anchor="end">${escapeXml(bar.label)}</text>`,
      `<rect x="${left}" y="${top}" width="${scale(bar.figure.median).toFixed(1)}" height="${BAR_HEIGHT}" fill="${bar.color}"${bar.hixie ? ' fill-opacity="0.55"' : ''}/>`,
      `<line x1="${(left + scale(bar.figure.min)).toFixed(1)}" x2="${(left + scale(bar.figure.max)).toFixed(1)}" y1="${middle}" y2="${middle}" stroke="#222" stroke-width="1.5"/>`,
      `<text x="${left + plotWidth + 6}" y="${middle + 4}" class="value">${escapeXml(formatFigure(bar.figure.median) + ratio)}</text>`,
    );
  });
  if (bars.length === 0) {
    parts.push(`<text x="${x + 10}" y="${y + PANEL_TITLE + 14}" class="label">not measured</text>`);
  }
  return parts.join('\n');
}

/** The whole chart as an SVG document. */
export function renderChart(options: {
  readonly summary: BenchSummary;
  readonly subjects: readonly Subject[];
  readonly caption: string;
}): string {
  const panelBars = PANELS.map((panel) => barsFor(panel, options.summary, options.subjects));
  const mostBars = Math.max(1, ...panelBars.map((bars) => bars.length));
  const panelHeight = PANEL_TITLE + mostBars * (BAR_HEIGHT + BAR_GAP) + 8;
  const rows = Math.ceil(PANELS.length / COLUMNS);
  const width = MARGIN * (COLUMNS + 1) + PANEL_WIDTH * COLUMNS;
  const height = HEADER + rows * (panelHeight + MARGIN);
  const body = PANELS.map((panel, i) => {
    const x = MARGIN + (i % COLUMNS) * (PANEL_WIDTH + MARGIN);
    const y = HEADER + Math.floor(i / COLUMNS) * (panelHeight + MARGIN);
    return renderPanel(panel, panelBars[i] ?? [], x, y, panelHeight);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, sans-serif">`,
    '<style>.title{font-size:13px;font-weight:600}.label,.value{font-size:11px}.caption{font-size:12px;fill:#444}</style>',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${MARGIN}" y="24" font-size="16" font-weight="700">draftbridge bench: medians, range over repetitions, b = x same-work bound, w = x naive ws</text>`,
    `<text x="${MARGIN}" y="44" class="caption">${escapeXml(options.caption)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
