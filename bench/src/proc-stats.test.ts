import { closeSync, openSync, writeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  parseMachineBusyTicks,
  parseProcIo,
  parseProcStat,
  parseProcStatus,
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
    expect(sample.mainThreadCpuMs).toBeLessThanOrEqual(sample.cpuUserMs + sample.cpuSystemMs);
    expect(readOpenFileLimit()).toBeGreaterThan(0);
  });

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
