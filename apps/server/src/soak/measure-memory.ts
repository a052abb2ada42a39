/**
 * Memory figures for the soak and the hardening tests: the heap and resident size of this
 * process (the server runs in it), measured after a full garbage collection so that two
 * figures compare what is live, not what the collector has not yet reached.
 */
import v8 from 'node:v8';
import vm from 'node:vm';

/** One measurement, in bytes. */
export interface MemoryFigure {
  readonly heapUsed: number;
  /** Buffers and other memory outside the JS heap. */
  readonly external: number;
  readonly rss: number;
}

let collect: (() => void) | undefined;

// The flag only exposes `gc` to contexts created after it is set, hence the new context.
function fullGc(): void {
  if (collect === undefined) {
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  collect();
}

/** Collects garbage twice (weak references need a second pass), then measures. */
export async function measureMemory(): Promise<MemoryFigure> {
  fullGc();
  await new Promise((resolve) => setImmediate(resolve));
  fullGc();
  const { heapUsed, external, rss } = process.memoryUsage();
  return { heapUsed, external, rss };
}

/** Megabytes with one decimal, for figures in test output. */
export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
