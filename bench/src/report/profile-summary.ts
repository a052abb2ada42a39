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
  /** Microseconds, as V8 writes them. */
  readonly startTime?: number;
  readonly endTime?: number;
}

/** One function's (or origin's) self time. */
export interface ProfileEntry {
  /** `name (file:line)`, or V8's bucket name. */
  readonly name: string;
  /** Its share of the busy samples (idle left out). */
  readonly share: number;
  /** Its self time, in ms: its share of all samples times the profile's duration. */
  readonly ms: number;
}

/** A profile reduced to its heaviest functions. */
export interface ProfileSummary {
  readonly samples: number;
  /** How long the profile ran, in ms. */
  readonly durationMs: number;
  /** Share of samples in which the thread was idle (waiting in the event loop). */
  readonly idle: number;
  /** Time the thread was not idle, in ms. */
  readonly busyMs: number;
  readonly top: readonly ProfileEntry[];
  /** Self time by where the code lives (a package, a folder of ours, Node's internals). */
  readonly byOrigin: readonly ProfileEntry[];
}

// Native functions a socket write ends in: their self time is mostly the kernel's.
const SOCKET_WRITES = new Set(['writev', 'writeBuffer', 'writeUtf8String', 'writeLatin1String']);

/** Where a function's code lives, for the rollup: a package, one of our folders, Node's own. */
export function originOf(node: Pick<ProfileNode, 'callFrame'>): string {
  const { functionName, url } = node.callFrame;
  if (url === '') {
    if (SOCKET_WRITES.has(functionName)) return 'socket writes (native, mostly kernel)';
    return functionName.startsWith('(') ? functionName : 'other native';
  }
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    return `package ${name}`;
  }
  if (url.startsWith('node:')) {
    const module =
      url
        .slice('node:'.length)
        .replace(/^internal\//, '')
        .split('/')[0] ?? url;
    return `node ${module}`;
  }
  const ours = /\/(apps\/[^/]+|packages\/[^/]+|bench)\/(?:dist\/|src\/)?(?:(.*)\/)?[^/]+$/.exec(
    url,
  );
  if (ours !== null) return `${ours[1]}${ours[2] ? `/${ours[2]}` : ''}`;
  return url.split('/').slice(-2, -1)[0] ?? url;
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
  const byOrigin = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? 0;
    if (count === 0) continue;
    total += count;
    const name = nameOf(node);
    byName.set(name, (byName.get(name) ?? 0) + count);
    const origin = originOf(node);
    byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + count);
  }
  const idleHits = byName.get('(idle)') ?? 0;
  const busy = total - idleHits;
  const durationMs =
    profile.startTime !== undefined && profile.endTime !== undefined
      ? (profile.endTime - profile.startTime) / 1000
      : 0;
  const msOf = (count: number): number => (total === 0 ? 0 : (count / total) * durationMs);
  const heaviest = (counts: Map<string, number>, count: number): ProfileEntry[] =>
    [...counts]
      .filter(([name]) => name !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, hitsOf]) => ({ name, share: busy === 0 ? 0 : hitsOf / busy, ms: msOf(hitsOf) }));
  return {
    samples: total,
    durationMs,
    idle: total === 0 ? 0 : idleHits / total,
    busyMs: msOf(busy),
    top: heaviest(byName, top),
    byOrigin: heaviest(byOrigin, 12),
  };
}

/** Reads a .cpuprofile file and summarizes it. */
export function summarizeProfileFile(file: string, top = 15): ProfileSummary {
  return summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, top);
}

/**
 * The summary as lines for the log and the README: shares of the busy time, and with `per`
 * (connections, deliveries) each entry's self time per one of them in microseconds.
 */
export function formatProfileSummary(
  file: string,
  summary: ProfileSummary,
  per?: { readonly count: number; readonly what: string },
): string {
  const line = (entry: ProfileEntry): string => {
    const each =
      per === undefined ? '' : `  ${((entry.ms * 1000) / per.count).toFixed(1).padStart(6)} us`;
    return `  ${(entry.share * 100).toFixed(1).padStart(5)}%${each}  ${entry.name}`;
  };
  const perBusy =
    per === undefined
      ? ''
      : `, ${((summary.busyMs * 1000) / per.count).toFixed(0)} us of it per ${per.what}`;
  return [
    `profile ${path.basename(file)}: ${summary.samples} samples over ${summary.durationMs.toFixed(0)} ms, idle ${(summary.idle * 100).toFixed(1)}%, busy ${summary.busyMs.toFixed(0)} ms${perBusy}; shares of the busy time:`,
    ...summary.top.map(line),
    '  by where the code lives:',
    ...summary.byOrigin.map(line),
  ].join('\n');
}
