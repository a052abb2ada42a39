/**
 * CPU time and memory of a child process, read from Linux's /proc (proc(5)): `stat` fields 14
 * and 15 are user and system time in clock ticks, `status` has VmRSS (resident now) and VmHWM
 * (the peak resident size since the process started, which is why each run gets a fresh one).
 * `task/<pid>/stat` is the same for the main thread alone (its thread id is the process id):
 * the rest of a Node process's CPU is V8's and libuv's helper threads (concurrent marking and
 * sweeping, compiling, the thread pool). Ticks are 10 ms: over the capacity scenario's 1650
 * handshakes a path that is a step of 6.1 us a handshake, so the main thread's time is read
 * from `task/<pid>/schedstat` instead where the kernel keeps it (sched_info: its first field is
 * the thread's time on a CPU, in nanoseconds). `io` counts the system calls that wrote (`syscw`:
 * write, writev, send...) and read (`syscr`), every thread's, since the process started.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** CPU time in ticks, as /proc/<pid>/stat gives it. */
export interface CpuTicks {
  readonly user: number;
  readonly system: number;
}

/** Resident memory, as /proc/<pid>/status gives it. */
export interface MemoryKb {
  readonly rssKb: number;
  readonly peakRssKb: number;
}

/** One reading of a process: CPU in milliseconds, memory in KiB. */
export interface ProcessSample extends MemoryKb {
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  /**
   * CPU of the main thread alone, part of the two above: from schedstat's nanoseconds, or from
   * ticks where /proc has no schedstat.
   */
  readonly mainThreadCpuMs: number;
  /** System calls that wrote and that read so far (NaN where /proc/<pid>/io is not readable). */
  readonly writeCalls: number;
  readonly readCalls: number;
}

/** Reads syscw and syscr from the text of /proc/<pid>/io. */
export function parseProcIo(text: string): { writeCalls: number; readCalls: number } {
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+)$`, 'm').exec(text);
    if (match?.[1] === undefined) throw new Error(`no ${name} in /proc io`);
    return Number(match[1]);
  };
  return { writeCalls: field('syscw'), readCalls: field('syscr') };
}

// /proc/<pid>/io needs the right to trace the process: a child of ours normally, but a
// hardened kernel may refuse it, and then the counts are unknown rather than the run failed.
function readProcIo(pid: number): { writeCalls: number; readCalls: number } {
  try {
    return parseProcIo(readFileSync(`/proc/${pid}/io`, 'utf8'));
  } catch {
    return { writeCalls: Number.NaN, readCalls: Number.NaN };
  }
}

// After the ')' that closes the command name, field 3 (state) comes first, so utime (field 14)
// is the 12th value and stime (field 15) the 13th.
const UTIME_AFTER_COMM = 11;
const STIME_AFTER_COMM = 12;

/** Reads user and system ticks from the text of /proc/<pid>/stat. */
export function parseProcStat(text: string): CpuTicks {
  // The command name may hold spaces and parentheses: split after its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const user = Number(fields[UTIME_AFTER_COMM]);
  const system = Number(fields[STIME_AFTER_COMM]);
  if (!Number.isFinite(user) || !Number.isFinite(system)) throw new Error('unreadable /proc stat');
  return { user, system };
}

/** Reads a thread's time on a CPU, in nanoseconds, from the text of /proc/<pid>/task/<tid>/schedstat. */
export function parseSchedstat(text: string): number {
  const [first = ''] = text.trim().split(/\s+/);
  const runNs = Number(first);
  if (first === '' || !Number.isFinite(runNs)) throw new Error('unreadable /proc schedstat');
  return runNs;
}

// The main thread's time on a CPU in ms, or undefined where the kernel keeps no schedstat.
function readMainThreadRunMs(pid: number): number | undefined {
  try {
    return parseSchedstat(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8')) / 1e6;
  } catch {
    return undefined;
  }
}

/** Reads VmRSS and VmHWM from the text of /proc/<pid>/status. */
export function parseProcStatus(text: string): MemoryKb {
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text);
    if (match?.[1] === undefined) throw new Error(`no ${name} in /proc status`);
    return Number(match[1]);
  };
  return { rssKb: field('VmRSS'), peakRssKb: field('VmHWM') };
}

let ticksPerSecond: number | undefined;

function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      ticksPerSecond = 100; // USER_HZ on every mainstream Linux build
    }
  }
  return ticksPerSecond;
}

/** Reads a process's CPU time and memory now. */
export function sampleProcess(pid: number): ProcessSample {
  const ticks = parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const main = parseProcStat(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8'));
  const memory = parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  const msPerTick = 1000 / clockTicksPerSecond();
  return {
    cpuUserMs: ticks.user * msPerTick,
    cpuSystemMs: ticks.system * msPerTick,
    mainThreadCpuMs: readMainThreadRunMs(pid) ?? (main.user + main.system) * msPerTick,
    ...readProcIo(pid),
    ...memory,
  };
}

/** The open-file limit of this process (children inherit it), from /proc/self/limits. */
export function readOpenFileLimit(): number {
  const text = readFileSync('/proc/self/limits', 'utf8');
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(text);
  if (match?.[1] === undefined || match[1] === 'unlimited') return Number.POSITIVE_INFINITY;
  return Number(match[1]);
}

/** Busy CPU time of the whole machine in ms (all cores), from the `cpu` line of /proc/stat. */
export function parseMachineBusyTicks(text: string): number {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (line === undefined) throw new Error('no cpu line in /proc/stat');
  // user nice system idle iowait irq softirq steal ...: busy is all but idle and iowait.
  const fields = line.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((sum, v) => sum + v, 0);
  return total - (fields[3] ?? 0) - (fields[4] ?? 0);
}

/** The machine's busy CPU time so far, in ms summed over its cores. */
export function sampleMachineBusyMs(): number {
  return (parseMachineBusyTicks(readFileSync('/proc/stat', 'utf8')) * 1000) / clockTicksPerSecond();
}
