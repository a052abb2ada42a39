/**
 * The targets for draftbridge, checked against the summary: ratios to naive `ws` for
 * fan-out and latency, ratios to the bare engine (WebSocket-Node for RFC 6455, faye-websocket
 * for hixie-76) for memory and handshakes, and draftbridge's slow-reader run against its own
 * plain burst.
 */
import type { WireProtocol } from '../constants.js';
import type { SubjectName } from '../subjects.js';
import { formatFigure, formatRatio } from './figures.js';
import type { BenchSummary } from './summary.js';

/** One target and whether this run met it (null: not measured, or stated only). */
export interface TargetCheck {
  readonly subject: SubjectName;
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | null;
}

const PROTOCOL_LABEL: Record<WireProtocol, string> = { rfc6455: 'RFC 6455', hixie76: 'hixie-76' };

const BARE_ENGINE: Record<WireProtocol, SubjectName> = {
  rfc6455: 'websocket-node',
  hixie76: 'faye-websocket',
};

/** Checks every target; `subject` is the one under test (draftbridge). */
export function checkTargets(
  summary: BenchSummary,
  subject: SubjectName = 'draftbridge',
): TargetCheck[] {
  const figure = (scenario: keyof BenchSummary, who: SubjectName, key: string) =>
    summary[scenario]?.[who]?.[key];
  const checks: TargetCheck[] = [];
  const vsBaseline = (
    target: string,
    scenario: keyof BenchSummary,
    key: string,
    test: (ratio: number) => boolean,
  ): void => {
    const found = figure(scenario, subject, key);
    if (found?.ratio == null) {
      checks.push({ subject, target, measured: 'not measured', met: null });
      return;
    }
    checks.push({
      subject,
      target,
      measured: `${formatFigure(found.median)} = ${formatRatio(found.ratio)} naive ws`,
      met: test(found.ratio),
    });
  };
  const vsOther = (
    target: string,
    scenario: keyof BenchSummary,
    key: string,
    other: { subject: SubjectName; scenario: keyof BenchSummary; key: string; label: string },
    test: ((ratio: number) => boolean) | null,
  ): void => {
    const mine = figure(scenario, subject, key);
    const theirs = figure(other.scenario, other.subject, other.key);
    if (mine === undefined || theirs === undefined || theirs.median === 0) {
      checks.push({ subject, target, measured: 'not measured', met: null });
      return;
    }
    const ratio = mine.median / theirs.median;
    checks.push({
      subject,
      target,
      measured: `${formatFigure(mine.median)} vs ${formatFigure(theirs.median)} = ${formatRatio(ratio)} ${other.label}`,
      met: test === null ? null : test(ratio),
    });
  };

  vsBaseline('burst: deliveries/s >= 10x naive ws', 'burst', 'deliveriesPerSecond', (r) => r >= 10);
  for (const protocol of ['rfc6455', 'hixie76'] as const) {
    const label = PROTOCOL_LABEL[protocol];
    vsBaseline(
      `burst ${label}: p99 <= 0.1x naive ws`,
      'burst',
      `${protocol}.p99Ms`,
      (r) => r <= 0.1,
    );
    vsBaseline(
      `burst ${label}: last delivery <= 0.1x naive ws (10x the rate on this path)`,
      'burst',
      `${protocol}.doneMs`,
      (r) => r <= 0.1,
    );
  }
  for (const protocol of ['rfc6455', 'hixie76'] as const) {
    vsBaseline(
      `paced ${PROTOCOL_LABEL[protocol]}: p99 <= naive ws`,
      'paced',
      `${protocol}.p99Ms`,
      (r) => r <= 1,
    );
  }
  for (const protocol of ['rfc6455', 'hixie76'] as const) {
    const engine = {
      subject: BARE_ENGINE[protocol],
      scenario: 'capacity' as const,
      label: `bare ${BARE_ENGINE[protocol]}`,
    };
    const label = PROTOCOL_LABEL[protocol];
    vsOther(
      `capacity ${label}: memory/connection <= 1.2x bare engine`,
      'capacity',
      `${protocol}.memoryPerConnectionKb`,
      { ...engine, key: `${protocol}.memoryPerConnectionKb` },
      (r) => r <= 1.2,
    );
    vsOther(
      `capacity ${label}: handshakes/s >= 0.9x bare engine`,
      'capacity',
      `${protocol}.handshakesPerSecond`,
      { ...engine, key: `${protocol}.handshakesPerSecond` },
      (r) => r >= 0.9,
    );
    vsOther(
      `router overhead ${label}: server CPU per handshake (stated)`,
      'capacity',
      `${protocol}.serverCpuUsPerHandshake`,
      { ...engine, key: `${protocol}.serverCpuUsPerHandshake` },
      null,
    );
  }
  const ownBurst = (key: string) => ({
    subject,
    scenario: 'burst' as const,
    key,
    label: 'own burst',
  });
  vsOther(
    'slow reader: deliveries/s within 10% of burst',
    'slow-reader',
    'deliveriesPerSecond',
    ownBurst('deliveriesPerSecond'),
    (r) => r >= 0.9,
  );
  vsOther(
    'slow reader: p99 within 10% of burst',
    'slow-reader',
    'p99Ms',
    ownBurst('p99Ms'),
    (r) => r <= 1.1,
  );
  vsOther(
    'slow reader: peak RSS bounded (<= 1.1x burst)',
    'slow-reader',
    'serverPeakRssMb',
    ownBurst('serverPeakRssMb'),
    (r) => r <= 1.1,
  );
  return checks;
}
