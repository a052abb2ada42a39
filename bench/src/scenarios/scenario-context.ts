/**
 * What every scenario gets and returns. Per-protocol figures are keyed `<protocol>.<figure>`.
 */
import type { BenchPlan } from '../constants.js';
import type { ServerGroup } from '../server-process.js';
import type { Subject } from '../subjects.js';

/** One scenario run's inputs. */
export interface ScenarioContext {
  readonly subject: Subject;
  readonly server: ServerGroup;
  readonly plan: BenchPlan;
  /** Where the server's CPU profile of the measured window goes, or null for none. */
  readonly profileStem: string | null;
}

/** One scenario run's figures and anything worth saying about it. */
export interface RunOutcome {
  readonly metrics: Record<string, number>;
  readonly notes: readonly string[];
  /** CPU profiles written during the run. */
  readonly profiles?: readonly string[];
}

/** The key of a per-protocol figure. */
export function protocolKey(protocol: string, figure: string): string {
  return `${protocol}.${figure}`;
}
