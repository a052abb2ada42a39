import { describe, expect, it } from 'vitest';
import {
  BURST_WARMUP_SHARE,
  CAPACITY_WARMUP_CONNECTIONS,
  FULL_PLAN,
  QUICK_PLAN,
  SCENARIO_NAMES,
} from './constants.js';
import { fitPlanToFileLimit, parseBenchOptions } from './options.js';

describe('parseBenchOptions', () => {
  it('runs everything three times by default, once with --quick', () => {
    expect(parseBenchOptions([])).toMatchObject({ mode: 'full', plan: FULL_PLAN });
    expect(parseBenchOptions(['--quick'])).toMatchObject({ mode: 'quick', plan: QUICK_PLAN });
  });

  it('always keeps both references and marks a subset as partial', () => {
    const options = parseBenchOptions([
      '--subjects',
      'draftbridge',
      '--scenarios',
      'capacity,burst-10',
    ]);
    expect(options.subjects).toEqual(['bound', 'ws', 'draftbridge']);
    expect(options.scenarios).toEqual(['burst-10', 'capacity']);
    expect(options.mode).toBe('partial');
  });

  it('runs a diagnostic subject only when named, as a partial run', () => {
    expect(parseBenchOptions([]).subjects).not.toContain('bound-writev');
    expect(parseBenchOptions([]).subjects).not.toContain('draftbridge-baseline');
    expect(parseBenchOptions(['--subjects', 'bound-writev'])).toMatchObject({
      subjects: ['bound', 'bound-writev', 'ws'],
      mode: 'partial',
    });
  });

  it('warms bursts and capacity up unless --cold, which makes the run partial', () => {
    for (const argv of [[], ['--quick']]) {
      expect(parseBenchOptions(argv).plan).toMatchObject({
        burstWarmupShare: BURST_WARMUP_SHARE,
        capacityWarmupConnections: CAPACITY_WARMUP_CONNECTIONS,
      });
    }
    expect(parseBenchOptions(['--cold'])).toMatchObject({
      plan: { burstWarmupShare: 0, capacityWarmupConnections: 0 },
      mode: 'partial',
    });
  });

  it('takes subjects to profile, which makes the run partial', () => {
    const options = parseBenchOptions(['--profile', 'draftbridge']);
    expect(options.profile).toEqual(['draftbridge']);
    expect(options.mode).toBe('partial');
    expect(parseBenchOptions([]).profile).toEqual([]);
  });

  it('names the option and what it accepts when a value is bad', () => {
    expect(() => parseBenchOptions(['--subjects', 'nginx'])).toThrow(
      /--subjects accepts bound, bound-writev, bound-by-family, ws, .*"nginx"/,
    );
    expect(() => parseBenchOptions(['--repetitions', '0'])).toThrow(/--repetitions must be/);
    expect(() => parseBenchOptions(['--fast'])).toThrow(/fast/);
  });
});

describe('fitPlanToFileLimit', () => {
  it('lowers the connection counts and leaves out rooms too large for a small limit', () => {
    expect(fitPlanToFileLimit(FULL_PLAN, SCENARIO_NAMES, 20_000)).toEqual({
      plan: FULL_PLAN,
      scenarios: [...SCENARIO_NAMES],
      message: null,
    });
    const fitted = fitPlanToFileLimit(FULL_PLAN, SCENARIO_NAMES, 1024);
    expect(fitted.plan.capacityConnections).toBe(824);
    expect(fitted.plan.pacedMembers).toBe(824);
    expect(fitted.scenarios).not.toContain('burst-2000');
    expect(fitted.scenarios).not.toContain('rooms-100x10');
    expect(fitted.scenarios).toContain('burst-500');
    expect(fitted.message).toMatch(/1024.*burst-2000, rooms-100x10 left out/);
  });
});
