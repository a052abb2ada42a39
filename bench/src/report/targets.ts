/**
 * Issue 14's targets for draftbridge, checked against the summary of one run:
 * - every burst (the room-size sweep and 100 rooms x 10): deliveries/s at least 0.95x the
 *   same-work bound on each path, p99 at most 0.15x naive ws on each path, and no more
 *   mark-compact GCs than naive ws plus EXTRA_MARK_COMPACTS_ALLOWED;
 * - paced p99 no worse than naive ws at the light and the heavy load, each path;
 * - per path, handshakes/s at least 0.9x the bare engine, JS heap and RSS per idle connection
 *   at most 1.2x (WebSocket-Node for RFC 6455, faye-websocket for hixie-76); the CPU per
 *   handshake against the bare engine is stated;
 * - the slow reader: the others within 10% of draftbridge's own burst of the same room size,
 *   its peak memory bounded.
 */
import { EXTRA_MARK_COMPACTS_ALLOWED, type ScenarioName, type WireProtocol } from '../constants.js';
import { BOUND_SUBJECT, NAIVE_SUBJECT, type SubjectName } from '../subjects.js';
import { formatFigure, formatRatio } from './figures.js';
import { type BenchSummary, type FigureSummary, referenceFor } from './summary.js';

/** One target and whether this run met it (null: not measured, or stated only). */
export interface TargetCheck {
  readonly subject: SubjectName;
  readonly scenario: ScenarioName;
  /** The figure's key (per path as `<protocol>.<figure>`). */
  readonly figure: string;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | null;
}

/** The bursts the throughput, latency and GC targets apply to. */
export const TARGET_BURSTS: readonly ScenarioName[] = [
  'burst-10',
  'burst-100',
  'burst-500',
  'burst-2000',
  'rooms-100x10',
];

/** How the tables name a path. */
export const PROTOCOL_LABEL: Record<WireProtocol, string> = {
  rfc6455: 'RFC 6455',
  hixie76: 'hixie-76',
};

/** The bare engine each path is compared with. */
export const BARE_ENGINE: Record<WireProtocol, SubjectName> = {
  rfc6455: 'websocket-node',
  hixie76: 'faye-websocket',
};

const REFERENCE_LABEL: Partial<Record<SubjectName, string>> = {
  [BOUND_SUBJECT]: 'bound',
  [NAIVE_SUBJECT]: 'naive ws',
};

/** Checks every target for `subject` (draftbridge). */
export function checkTargets(
  summary: BenchSummary,
  subject: SubjectName = 'draftbridge',
): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const find = (scenario: ScenarioName, who: SubjectName, key: string) =>
    summary[scenario]?.[who]?.[key];
  const compare = (
    scenario: ScenarioName,
    figure: string,
    target: string,
    other: SubjectName,
    otherKey: string | null,
    test: ((mine: FigureSummary, theirs: FigureSummary) => boolean) | null,
  ): void => {
    const mine = find(scenario, subject, figure);
    const figures = summary[scenario]?.[other];
    const theirs =
      otherKey === null
        ? referenceFor(figures === undefined ? undefined : (k) => figures[k], figure)
        : find(scenario, other, otherKey);
    if (mine === undefined || theirs === undefined) {
      checks.push({ subject, scenario, figure, target, measured: 'not measured', met: null });
      return;
    }
    const label = REFERENCE_LABEL[other] ?? other;
    const ratio =
      theirs.median === 0 ? '' : ` = ${formatRatio(mine.median / theirs.median)}x ${label}`;
    checks.push({
      subject,
      scenario,
      figure,
      target,
      measured: `${formatFigure(mine.median)} vs ${formatFigure(theirs.median)}${ratio}`,
      met: test === null ? null : test(mine, theirs),
    });
  };
  const ratioAtLeast = (r: number) => (m: FigureSummary, t: FigureSummary) =>
    t.median > 0 && m.median / t.median >= r;
  const ratioAtMost = (r: number) => (m: FigureSummary, t: FigureSummary) =>
    t.median > 0 && m.median / t.median <= r;

  for (const scenario of TARGET_BURSTS) {
    for (const protocol of ['rfc6455', 'hixie76'] as const) {
      const label = PROTOCOL_LABEL[protocol];
      compare(
        scenario,
        `${protocol}.deliveriesPerSecond`,
        `${scenario} ${label}: deliveries/s >= 0.95x bound`,
        BOUND_SUBJECT,
        null,
        ratioAtLeast(0.95),
      );
      compare(
        scenario,
        `${protocol}.p99Ms`,
        `${scenario} ${label}: p99 <= 0.15x naive ws`,
        NAIVE_SUBJECT,
        null,
        ratioAtMost(0.15),
      );
    }
    compare(
      scenario,
      'gcMarkCompact',
      `${scenario}: mark-compact GCs <= naive ws + ${EXTRA_MARK_COMPACTS_ALLOWED}`,
      NAIVE_SUBJECT,
      'gcMarkCompact',
      (m, t) => m.median <= t.median + EXTRA_MARK_COMPACTS_ALLOWED,
    );
  }
  for (const scenario of ['paced-light', 'paced-heavy'] as const) {
    for (const protocol of ['rfc6455', 'hixie76'] as const) {
      compare(
        scenario,
        `${protocol}.p99Ms`,
        `${scenario} ${PROTOCOL_LABEL[protocol]}: p99 <= naive ws`,
        NAIVE_SUBJECT,
        null,
        ratioAtMost(1),
      );
    }
  }
  for (const protocol of ['rfc6455', 'hixie76'] as const) {
    const engine = BARE_ENGINE[protocol];
    const label = PROTOCOL_LABEL[protocol];
    const vsEngine = (figure: string, target: string, test: typeof ratioAtMost | null, r = 1) =>
      compare(
        'capacity',
        `${protocol}.${figure}`,
        `capacity ${label}: ${target}`,
        engine,
        `${protocol}.${figure}`,
        test === null ? null : test(r),
      );
    vsEngine('handshakesPerSecond', `handshakes/s >= 0.9x ${engine}`, ratioAtLeast, 0.9);
    vsEngine('heapPerConnectionKb', `JS heap/connection <= 1.2x ${engine}`, ratioAtMost, 1.2);
    vsEngine('memoryPerConnectionKb', `RSS/connection <= 1.2x ${engine}`, ratioAtMost, 1.2);
    vsEngine('serverCpuUsPerHandshake', `CPU/handshake vs ${engine} (stated)`, null);
  }
  const ownBurst = (
    figure: string,
    target: string,
    test: (m: FigureSummary, t: FigureSummary) => boolean,
  ) => {
    const mine = find('slow-reader', subject, figure);
    const theirs = find('burst-500', subject, figure);
    if (mine === undefined || theirs === undefined || theirs.median === 0) {
      checks.push({
        subject,
        scenario: 'slow-reader',
        figure,
        target,
        measured: 'not measured',
        met: null,
      });
      return;
    }
    checks.push({
      subject,
      scenario: 'slow-reader',
      figure,
      target,
      measured: `${formatFigure(mine.median)} vs ${formatFigure(theirs.median)} = ${formatRatio(mine.median / theirs.median)}x own burst-500`,
      met: test(mine, theirs),
    });
  };
  ownBurst(
    'deliveriesPerSecond',
    'slow-reader: deliveries/s within 10% of burst-500',
    ratioAtLeast(0.9),
  );
  ownBurst('p99Ms', 'slow-reader: p99 within 10% of burst-500', ratioAtMost(1.1));
  ownBurst('serverPeakRssMb', 'slow-reader: peak RSS <= 1.1x burst-500', ratioAtMost(1.1));
  return checks;
}
