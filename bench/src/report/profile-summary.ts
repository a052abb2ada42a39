/**
 * Where a server's time went, from a V8 CPU profile (`.cpuprofile`: the format `node
 * --cpu-prof` writes and the probe's profiler writes too): each function's self time as a share
 * of the samples, the same function on several call paths counted once, and V8's own buckets
 * ("(garbage collector)", "(program)", "(idle)") kept as they are. Time a native call spends in
 * the kernel (a socket's writev) is the self time of that native function (`writev`,
 * `writeBuffer`). GC on V8's helper threads is not in a main-thread profile; the server's CPU %
 * above 100 shows it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    readonly lineNumber: number;
  };
  readonly hitCount?: number;
}

/** The part of a .cpuprofile this reads. */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
}

/** One function's share of the samples. */
export interface ProfileEntry {
  /** `name (file:line)`, or V8's bucket name. */
  readonly name: string;
  readonly share: number;
}

/** A profile reduced to its heaviest functions. */
export interface ProfileSummary {
  readonly samples: number;
  /** Share of samples in which the thread was idle (waiting in the event loop). */
  readonly idle: number;
  readonly top: readonly ProfileEntry[];
}

function nameOf(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const name = functionName === '' ? '(anonymous)' : functionName;
  if (url === '') return name;
  // node_modules/<package>/... or the last two path parts: enough to find the function.
  const modules = url.lastIndexOf('node_modules/');
  const where =
    modules === -1
      ? url.split('/').slice(-2).join('/')
      : url.slice(modules + 'node_modules/'.length);
  return `${name} (${where.replace(/^file:\/\//, '')}:${lineNumber + 1})`;
}

/** Self time per function, heaviest first, `top` of them (idle left out of the list). */
export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const hits = new Map<number, number>();
  if (profile.samples !== undefined && profile.samples.length > 0) {
    for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  } else {
    for (const node of profile.nodes) hits.set(node.id, node.hitCount ?? 0);
  }
  const byName = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? 0;
    if (count === 0) continue;
    total += count;
    const name = nameOf(node);
    byName.set(name, (byName.get(name) ?? 0) + count);
  }
  const share = (count: number): number => (total === 0 ? 0 : count / total);
  const entries = [...byName]
    .filter(([name]) => name !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, count]) => ({ name, share: share(count) }));
  return { samples: total, idle: share(byName.get('(idle)') ?? 0), top: entries };
}

/** Reads a .cpuprofile file and summarizes it. */
export function summarizeProfileFile(file: string, top = 15): ProfileSummary {
  return summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top);
}

/** The summary as lines for the log and the README. */
export function formatProfileSummary(file: string, summary: ProfileSummary): string {
  const lines = summary.top.map(
    (entry) => `  ${(entry.share * 100).toFixed(1).padStart(5)}%  ${entry.name}`,
  );
  return [
    `profile ${path.basename(file)}: ${summary.samples} samples, idle ${(summary.idle * 100).toFixed(1)}%`,
    ...lines,
  ].join('\n');
}
