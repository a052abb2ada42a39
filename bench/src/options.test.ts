import { describe, expect, it } from 'vitest';
import { FULL_PLAN, QUICK_PLAN } from './constants.js';
import { fitPlanToFileLimit, parseBenchOptions } from './options.js';

describe('parseBenchOptions', () => {
  it('runs everything three times by default, once with --quick', () => {
    expect(parseBenchOptions([])).toMatchObject({ mode: 'full', plan: FULL_PLAN });
    expect(parseBenchOptions(['--quick'])).toMatchObject({ mode: 'quick', plan: QUICK_PLAN });
  });

  it('always keeps the baseline and marks a subset as partial', () => {
    const options = parseBenchOptions([
      '--subjects',
      'draftbridge',
      '--scenarios',
      'burst,capacity',
    ]);
    expect(options.subjects).toEqual(['ws', 'draftbridge']);
    expect(options.scenarios).toEqual(['burst', 'capacity']);
    expect(options.mode).toBe('partial');
  });

  it('names the option and what it accepts when a value is bad', () => {
    expect(() => parseBenchOptions(['--subjects', 'nginx'])).toThrow(
      /--subjects accepts ws, .*"nginx"/,
    );
    expect(() => parseBenchOptions(['--repetitions', '0'])).toThrow(/--repetitions must be/);
    expect(() => parseBenchOptions(['--fast'])).toThrow(/fast/);
  });
});

describe('fitPlanToFileLimit', () => {
  it('lowers the connection counts under a small open-file limit and says so', () => {
    expect(fitPlanToFileLimit(FULL_PLAN, 20_000)).toEqual({ plan: FULL_PLAN, message: null });
    const fitted = fitPlanToFileLimit(FULL_PLAN, 1024);
    expect(fitted.plan.capacityConnections).toBe(824);
    expect(fitted.plan.pacedReceivers).toBe(824);
    expect(fitted.message).toMatch(/1024/);
  });
});
