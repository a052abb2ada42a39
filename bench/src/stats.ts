/**
 * Percentiles of latency samples and the summary of repetitions (median and spread).
 */

/** The nearest-rank percentile (0 < p <= 100) of values sorted ascending; NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/** Latency figures of one run, in milliseconds. */
export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly samples: number;
}

/** Sorts the samples in place and reads p50, p99 and max. */
export function summarizeLatency(samples: Float64Array): LatencySummary {
  samples.sort();
  return {
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: percentile(samples, 100),
    samples: samples.length,
  };
}

/** One figure across repetitions. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly values: readonly number[];
}

/** The median, minimum and maximum of the finite values; null when there are none. */
export function summarizeRepetitions(values: readonly number[]): Spread | null {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return null;
  const middle = finite.length >> 1;
  const median =
    finite.length % 2 === 1
      ? (finite[middle] ?? Number.NaN)
      : ((finite[middle - 1] ?? Number.NaN) + (finite[middle] ?? Number.NaN)) / 2;
  return { median, min: finite[0] ?? median, max: finite.at(-1) ?? median, values: finite };
}

/** A growable list of samples with no boxing per value. */
export class SampleList {
  #values = new Float64Array(1024);
  #length = 0;

  /** Appends one value. */
  push(value: number): void {
    if (this.#length === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#length] = value;
    this.#length += 1;
  }

  /** Forgets every value. */
  clear(): void {
    this.#length = 0;
  }

  /** The values pushed so far (a copy to sort). */
  toArray(): Float64Array {
    return this.#values.slice(0, this.#length);
  }
}

/** All samples of several lists in one array. */
export function joinSamples(lists: readonly SampleList[]): Float64Array {
  const arrays = lists.map((list) => list.toArray());
  const joined = new Float64Array(arrays.reduce((sum, a) => sum + a.length, 0));
  let offset = 0;
  for (const array of arrays) {
    joined.set(array, offset);
    offset += array.length;
  }
  return joined;
}
