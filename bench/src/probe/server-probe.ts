/**
 * Loaded into every server the bench starts (`node --expose-gc --import <this file> ...`), so
 * that the process itself reports what /proc cannot: its JS heap, its garbage collections
 * (perf_hooks `gc` entries: kind and duration), and on request a V8 CPU profile of just the
 * measured window (the profiler `node --cpu-prof` drives, started and stopped through the
 * inspector), and a heap snapshot. It changes nothing in the server: it answers on the IPC channel the bench opened
 * and otherwise stays out of the way. The channel is unreferenced, so a server that would exit
 * still exits.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import type { ProbeRequest, ProbeResponse, ProbeSample } from './probe-protocol.js';

const counts = { markCompact: 0, scavenge: 0, incremental: 0, ms: 0 };

function count(entry: PerformanceEntry): void {
  const detail = (entry as PerformanceEntry & { detail?: { kind?: number; flags?: number } })
    .detail;
  // A collection the bench forced (to measure live memory) is not the server's.
  if (((detail?.flags ?? 0) & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0) return;
  const kind = detail?.kind;
  if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) counts.markCompact += 1;
  else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) counts.scavenge += 1;
  else if (kind === constants.NODE_PERFORMANCE_GC_INCREMENTAL) counts.incremental += 1;
  counts.ms += entry.duration;
}

const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) count(entry);
});
observer.observe({ entryTypes: ['gc'] });

async function sample(): Promise<ProbeSample> {
  // Node queues a collection's perf entry from an immediate after it: one turn first, then the
  // entries not yet handed to the callback are counted now, so a sample is up to date.
  await new Promise((resolve) => setImmediate(resolve));
  for (const entry of observer.takeRecords()) count(entry);
  const memory = process.memoryUsage();
  return {
    heapUsedKb: memory.heapUsed / 1024,
    heapTotalKb: memory.heapTotal / 1024,
    externalKb: memory.external / 1024,
    gcMarkCompact: counts.markCompact,
    gcScavenge: counts.scavenge,
    gcIncremental: counts.incremental,
    gcMs: counts.ms,
  };
}

let session: Session | undefined;

function post(method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (session === undefined) {
      reject(new Error('no profiling session'));
      return;
    }
    session.post(method, params ?? {}, (error, result) => {
      if (error) reject(error);
      else resolve(result);
    });
  });
}

async function answer(request: ProbeRequest): Promise<ProbeResponse> {
  switch (request.command) {
    case 'sample':
      return { id: request.id, ok: true, sample: await sample() };
    case 'collect': {
      const collect = (globalThis as { gc?: () => void }).gc;
      if (collect === undefined) throw new Error('the server was not started with --expose-gc');
      collect();
      // The sample holds the forced collection's entry, and leaves it uncounted.
      return { id: request.id, ok: true, sample: await sample() };
    }
    case 'profile-start':
      session = new Session();
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: request.intervalUs });
      await post('Profiler.start');
      return { id: request.id, ok: true };
    case 'heap-snapshot':
      writeHeapSnapshot(request.file);
      return { id: request.id, ok: true };
    case 'profile-stop': {
      const result = (await post('Profiler.stop')) as { profile: unknown };
      writeFileSync(request.file, JSON.stringify(result.profile));
      session?.disconnect();
      session = undefined;
      return { id: request.id, ok: true };
    }
  }
}

process.on('message', (message: ProbeRequest) => {
  answer(message).then(
    (response) => process.send?.(response),
    (error: unknown) =>
      process.send?.({
        id: message.id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      } satisfies ProbeResponse),
  );
});
process.channel?.unref();
