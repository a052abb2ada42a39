/**
 * Reduces the runs to one summary per scenario, subject and figure: the median and spread over
 * the repetitions, and the ratio of the median to each reference's median in the same run of
 * the bench: the same-work bound and naive `ws`.
 *
 * A per-protocol figure is compared with the reference's figure for the same protocol; naive
 * `ws` serves RFC 6455 only, so a hixie-76 figure is compared with its RFC 6455 one (the issue's
 * targets compare both paths with naive `ws`).
 */
import type { ScenarioName } from '../constants.js';
import type { RunRecord } from '../runner.js';
import { type Spread, summarizeRepetitions } from '../stats.js';
import { BOUND_SUBJECT, NAIVE_SUBJECT, type SubjectName } from '../subjects.js';

/** One figure of one subject in one scenario. */
export interface FigureSummary extends Spread {
  /** median / the bound's median; null without a bound figure (or a bound of 0). */
  readonly vsBound: number | null;
  /** median / naive ws's median; null without one. */
  readonly vsNaive: number | null;
}

/** Figures by key. */
export type SubjectFigures = Record<string, FigureSummary>;

/** Scenario -> subject -> figure key -> summary. */
export type BenchSummary = Partial<
  Record<ScenarioName, Partial<Record<SubjectName, SubjectFigures>>>
>;

/** The keys of a reference's figure a key is compared with, most specific first. */
export function baselineKeys(key: string): string[] {
  const dot = key.indexOf('.');
  if (dot === -1) return [key];
  const figure = key.slice(dot + 1);
  return [key, `rfc6455.${figure}`, figure];
}

/** The reference's figure a figure `key` is compared with, if it has one. */
export function referenceFor<T>(
  lookup: ((key: string) => T | undefined) | undefined,
  key: string,
): T | undefined {
  if (lookup === undefined) return undefined;
  for (const candidate of baselineKeys(key)) {
    const found = lookup(candidate);
    if (found !== undefined) return found;
  }
  return undefined;
}

const ratioTo = (spread: Spread, reference: Spread | undefined): number | null =>
  reference !== undefined && reference.median !== 0 ? spread.median / reference.median : null;

/** Summarizes every scenario and subject that has at least one successful run (not discarded). */
export function summarizeRuns(records: readonly RunRecord[]): BenchSummary {
  const values = new Map<string, Map<string, Map<string, number[]>>>();
  for (const record of records) {
    if (record.error !== undefined || record.discarded === true) continue;
    const bySubject = values.get(record.scenario) ?? new Map<string, Map<string, number[]>>();
    values.set(record.scenario, bySubject);
    const byKey = bySubject.get(record.subject) ?? new Map<string, number[]>();
    bySubject.set(record.subject, byKey);
    for (const [key, value] of Object.entries(record.metrics)) {
      byKey.set(key, [...(byKey.get(key) ?? []), value]);
    }
  }
  const summary: BenchSummary = {};
  for (const [scenario, bySubject] of values) {
    const spreads = new Map<string, Map<string, Spread>>();
    for (const [subject, byKey] of bySubject) {
      const figures = new Map<string, Spread>();
      for (const [key, list] of byKey) {
        const spread = summarizeRepetitions(list);
        if (spread !== null) figures.set(key, spread);
      }
      spreads.set(subject, figures);
    }
    const bound = spreads.get(BOUND_SUBJECT);
    const naive = spreads.get(NAIVE_SUBJECT);
    const inBound = bound === undefined ? undefined : (key: string) => bound.get(key);
    const inNaive = naive === undefined ? undefined : (key: string) => naive.get(key);
    const scenarioSummary: Partial<Record<SubjectName, SubjectFigures>> = {};
    for (const [subject, figures] of spreads) {
      const out: SubjectFigures = {};
      for (const [key, spread] of figures) {
        out[key] = {
          ...spread,
          vsBound: ratioTo(spread, referenceFor(inBound, key)),
          vsNaive: ratioTo(spread, referenceFor(inNaive, key)),
        };
      }
      scenarioSummary[subject as SubjectName] = out;
    }
    summary[scenario as ScenarioName] = scenarioSummary;
  }
  return summary;
}
