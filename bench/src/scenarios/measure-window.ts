/**
 * CPU and memory over one measured window: the server's from /proc, the generator's own from
 * process.cpuUsage(). They share the machine's two cores, so both are reported side by side: a
 * generator near 100% of a core would mean the bench measured itself.
 */
import { now } from '../client/delivery-counter.js';
import type { ProcessSample } from '../proc-stats.js';
import type { ServerGroup } from '../server-process.js';

/** A window that has started; `end()` reads the figures. */
export interface MeasureWindow {
  /** performance.now() at the start. */
  readonly startedAt: number;
  end(): Record<string, number>;
}

/** Starts measuring the server and the generator now. */
export function startWindow(server: ServerGroup): MeasureWindow {
  const serverStart = server.sample();
  const generatorStart = process.cpuUsage();
  const startedAt = now();
  return {
    startedAt,
    end() {
      const serverEnd: ProcessSample = server.sample();
      const generator = process.cpuUsage(generatorStart);
      const wallMs = Math.max(1, now() - startedAt);
      const serverUser = serverEnd.cpuUserMs - serverStart.cpuUserMs;
      const serverSystem = serverEnd.cpuSystemMs - serverStart.cpuSystemMs;
      return {
        serverCpuPercent: ((serverUser + serverSystem) / wallMs) * 100,
        serverSystemPercent: (serverSystem / wallMs) * 100,
        generatorCpuPercent: ((generator.user + generator.system) / 1000 / wallMs) * 100,
        serverRssMb: serverEnd.rssKb / 1024,
        serverPeakRssMb: serverEnd.peakRssKb / 1024,
      };
    },
  };
}
