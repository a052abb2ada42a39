/**
 * What limits a figure besides the server: the generator shares the machine, and where it used
 * most of a core the subject may have been waiting for it; and so does whatever else runs on
 * the machine. Against the same-work bound that
 * matters most: a bound held back by the generator is the generator's figure, and "x bound" is
 * then an overestimate of how close draftbridge comes.
 */
import { DISTURBED_CPU_PERCENT, SCENARIO_NAMES } from '../constants.js';
import { SUBJECT_NAMES } from '../subjects.js';
import type { BenchSummary } from './summary.js';

/** Generator CPU (% of one core) from which a run counts as generator-limited. */
export const GENERATOR_LIMIT_PERCENT = 90;

/**
 * One line per scenario and subject whose generator was near a full core, or whose counted runs
 * shared the machine with more than DISTURBED_CPU_PERCENT of a core of other work (a run that
 * was still disturbed on its last attempt; the worst one).
 */
export function measurementCaveats(summary: BenchSummary): string[] {
  const lines: string[] = [];
  for (const scenario of SCENARIO_NAMES) {
    for (const subject of SUBJECT_NAMES) {
      const others = summary[scenario]?.[subject]?.otherCpuPercent;
      if (others !== undefined && others.max > DISTURBED_CPU_PERCENT) {
        lines.push(
          `${scenario} ${subject}: the rest of the machine used up to ${others.max.toFixed(0)}% of a core during a run (median ${others.median.toFixed(0)}%)`,
        );
      }
      const generator = summary[scenario]?.[subject]?.generatorCpuPercent;
      if (generator === undefined || generator.median < GENERATOR_LIMIT_PERCENT) continue;
      const server = summary[scenario]?.[subject]?.serverCpuPercent?.median ?? Number.NaN;
      const what =
        subject === 'bound'
          ? ': the bound may be the generator’s limit here, so "x bound" overstates the others'
          : '';
      lines.push(
        `${scenario} ${subject}: generator at ${generator.median.toFixed(0)}% of a core, server at ${server.toFixed(0)}%${what}`,
      );
    }
  }
  return lines;
}
