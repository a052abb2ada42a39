/**
 * The results on disk: every run's raw figures, the summary and the targets as JSON, and the
 * chart as SVG. A full run is written as `results/<date>-<host>.{json,svg}` and copied to
 * `results/latest.{json,svg}`; a quick or partial run (fewer subjects, scenarios or repetitions)
 * only to `results/local/`, which is not committed.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchPlan } from '../constants.js';
import type { RunRecord } from '../runner.js';
import type { Subject } from '../subjects.js';
import type { BenchSummary } from './summary.js';
import type { TargetCheck } from './targets.js';

/** A full run is the one whose results are committed. */
export type RunMode = 'full' | 'partial' | 'quick';

/** The machine a run was measured on. */
export interface MachineInfo {
  readonly hostname: string;
  readonly cpuModel: string;
  readonly cpus: number;
  readonly memoryGib: number;
  readonly kernel: string;
  readonly node: string;
  readonly openFileLimit: number;
}

/** Everything a run of the bench wrote. */
export interface BenchResults {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly mode: RunMode;
  readonly machine: MachineInfo;
  readonly plan: BenchPlan;
  /** The commit the servers were built from; `dirty` when the work tree had changes on top. */
  readonly source: SourceInfo;
  /** The machine's 1, 5 and 15 minute load averages at the start and the end: others share it. */
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
  readonly subjects: readonly Pick<Subject, 'name' | 'description' | 'protocols'>[];
  readonly skipped: readonly { readonly name: string; readonly reason: string }[];
  readonly notes: readonly string[];
  readonly runs: readonly RunRecord[];
  /** Bytes of one `message` for a fixed `say`, per chat subject and protocol (the probe's). */
  readonly messageBytes: Readonly<Record<string, Partial<Record<string, number>>>>;
  readonly summary: BenchSummary;
  readonly targets: readonly TargetCheck[];
  /** The headline table (Markdown), as README.md carries it. */
  readonly headline: string;
  /** Runs in which the generator used most of a core (caveats.ts). */
  readonly caveats: readonly string[];
}

/** Which code was measured. */
export interface SourceInfo {
  readonly commit: string;
  readonly dirty: boolean;
}

/** The repository's HEAD and whether the work tree differs from it (unknown outside git). */
export function describeSource(repoRoot: string): SourceInfo {
  try {
    const git = (args: string[]): string =>
      execFileSync('git', args, {
        cwd: repoRoot,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    return {
      commit: git(['rev-parse', '--short', 'HEAD']),
      dirty: git(['status', '--porcelain']) !== '',
    };
  } catch {
    return { commit: 'unknown', dirty: false };
  }
}

/** Describes this machine. */
export function describeMachine(openFileLimit: number): MachineInfo {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpus: cpus.length,
    memoryGib: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    openFileLimit,
  };
}

/** One line saying when and where, for the chart and the README. */
export function describeRun(
  results: Pick<BenchResults, 'startedAt' | 'machine' | 'mode' | 'plan' | 'loadAverage' | 'source'>,
): string {
  const { machine, source } = results;
  const load = results.loadAverage.start[0]?.toFixed(1) ?? '?';
  const commit = `${source.commit}${source.dirty ? '+changes' : ''}`;
  return `${results.startedAt.slice(0, 10)}, ${machine.hostname}: ${machine.cpus} x ${machine.cpuModel}, ${machine.memoryGib} GiB, Node ${machine.node}; code ${commit}; ${results.mode} run, ${results.plan.repetitions} repetition(s); load average ${load} at the start`;
}

/** Writes the JSON and the SVG; returns the paths written. */
export function writeResults(results: BenchResults, chart: string, resultsDir: string): string[] {
  const written: string[] = [];
  const write = (file: string, text: string): void => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    written.push(file);
  };
  const json = `${JSON.stringify(results, null, 2)}\n`;
  if (results.mode !== 'full') {
    write(path.join(resultsDir, 'local', `${results.mode}.json`), json);
    write(path.join(resultsDir, 'local', `${results.mode}.svg`), chart);
    return written;
  }
  const host = results.machine.hostname.replace(/[^a-zA-Z0-9_-]/g, '_');
  const stem = `${results.startedAt.slice(0, 10)}-${host}`;
  write(path.join(resultsDir, `${stem}.json`), json);
  write(path.join(resultsDir, `${stem}.svg`), chart);
  write(path.join(resultsDir, 'latest.json'), json);
  write(path.join(resultsDir, 'latest.svg'), chart);
  return written;
}
