import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseMachineBusyTicks,
  parseProcIo,
  parseProcStat,
  parseProcStatus,
  parseSchedstat,
  readOpenFileLimit,
  sampleMachineBusyMs,
  sampleProcess,
} from './proc-stats.js';

describe('parseProcStat', () => {
  it('reads utime and stime after a command name with spaces and parentheses', () => {
    const text =
      '4242 (node (a) b) S 1 4242 4242 0 -1 4194560 100 0 0 0 731 52 0 0 20 0 11 0 100 1000 2000\n';
    expect(parseProcStat(text)).toEqual({ user: 731, system: 52 });
  });
});

describe('parseSchedstat', () => {
  it('reads the time on a CPU in nanoseconds', () => {
    expect(parseSchedstat('302081296 67747217 1100\n')).toBe(302_081_296);
    expect(() => parseSchedstat('')).toThrow(/schedstat/);
  });
});

describe('parseProcStatus', () => {
  it('reads VmRSS and VmHWM', () => {
    const text = 'Name:\tnode\nVmHWM:\t   91234 kB\nVmRSS:\t   80500 kB\nThreads:\t11\n';
    expect(parseProcStatus(text)).toEqual({ rssKb: 80500, peakRssKb: 91234 });
    expect(() => parseProcStatus('Name:\tnode\n')).toThrow(/VmRSS/);
  });
});

describe('parseProcIo', () => {
  it('reads syscw and syscr', () => {
    const text = 'rchar: 5000\nwchar: 7000\nsyscr: 12\nsyscw: 34\nread_bytes: 0\n';
    expect(parseProcIo(text)).toEqual({ writeCalls: 34, readCalls: 12 });
    expect(() => parseProcIo('rchar: 5000\n')).toThrow(/syscw/);
  });
});

describe('sampleProcess', () => {
  it('reads this very process', () => {
    const sample = sampleProcess(process.pid);
    expect(sample.rssKb).toBeGreaterThan(1000);
    expect(sample.peakRssKb).toBeGreaterThanOrEqual(sample.rssKb);
    expect(sample.cpuUserMs + sample.cpuSystemMs).toBeGreaterThan(0);
    expect(sample.mainThreadCpuMs).toBeGreaterThan(0);
    // The process's ticks are its threads' time rounded down to 10 ms, the main thread's not.
    expect(sample.mainThreadCpuMs).toBeLessThanOrEqual(sample.cpuUserMs + sample.cpuSystemMs + 10);
    expect(readOpenFileLimit()).toBeGreaterThan(0);
  });

  it.skipIf(!existsSync(`/proc/${process.pid}/task/${process.pid}/schedstat`))(
    'reads the main thread finer than a 10 ms tick where the kernel keeps schedstat',
    () => {
      // Between readings 0.2 ms of work apart, ticks move by 0 or 10 ms; schedstat by about 0.2.
      const steps: number[] = [];
      let last = sampleProcess(process.pid).mainThreadCpuMs;
      for (let i = 0; i < 20; i += 1) {
        const until = performance.now() + 0.2;
        while (performance.now() < until) {}
        const now = sampleProcess(process.pid).mainThreadCpuMs;
        steps.push(now - last);
        last = now;
      }
      expect(steps.some((step) => step > 0 && step < 5)).toBe(true);
    },
  );

  it('counts the write calls of a process that writes', () => {
    const before = sampleProcess(process.pid).writeCalls;
    const fd = openSync('/dev/null', 'w');
    for (let i = 0; i < 50; i += 1) writeSync(fd, 'x');
    closeSync(fd);
    expect(sampleProcess(process.pid).writeCalls - before).toBeGreaterThanOrEqual(50);
  });
});

describe('parseMachineBusyTicks', () => {
  it('counts every cpu tick but idle and iowait', () => {
    const text = 'cpu  100 5 50 1000 20 3 7 2 0 0\ncpu0 50 2 25 500 10 1 3 1 0 0\n';
    expect(parseMachineBusyTicks(text)).toBe(100 + 5 + 50 + 3 + 7 + 2);
    expect(sampleMachineBusyMs()).toBeGreaterThan(0);
  });
});
