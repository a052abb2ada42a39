/**
 * CPU, memory and garbage collection over one measured window: the server's CPU and resident
 * size from /proc, its heap and GC counts from its own probe, the redis-server's CPU where there
 * is one, and the generator's own CPU from process.cpuUsage(). They share the machine's two
 * cores, so all are reported side by side: a generator near 100% of a core would mean the bench
 * measured itself. What the rest of the machine used in the window (everything busy minus those
 * three; the kernel's network work not charged to a process is part of it) says how much the
 * others sharing the machine took. With a profile asked for, the server's CPU profile covers exactly the window.
 */
import { now } from '../client/delivery-counter.js';
import { PROFILE_INTERVAL_US } from '../constants.js';
import { type ProcessSample, sampleMachineBusyMs } from '../proc-stats.js';
import type { ServerGroup } from '../server-process.js';

/** A window that has started; `end()` reads the figures. */
export interface MeasureWindow {
  /** performance.now() at the start. */
  readonly startedAt: number;
  /** The figures, and the profile files written if a profile was asked for. */
  end(): Promise<{ figures: Record<string, number>; profiles: string[] }>;
}

const cpuMs = (sample: ProcessSample): number => sample.cpuUserMs + sample.cpuSystemMs;

/** Starts measuring the server and the generator now; profiles the server into `profileStem`. */
export async function startWindow(
  server: ServerGroup,
  profileStem: string | null = null,
): Promise<MeasureWindow> {
  const probeStart = await server.probeSample();
  if (profileStem !== null) await server.startProfile(PROFILE_INTERVAL_US);
  const redisStart = server.redisSample();
  const serverStart = server.sample();
  const machineStart = sampleMachineBusyMs();
  const generatorStart = process.cpuUsage();
  const startedAt = now();
  return {
    startedAt,
    async end() {
      const serverEnd = server.sample();
      const redisEnd = server.redisSample();
      const generator = process.cpuUsage(generatorStart);
      const machineMs = sampleMachineBusyMs() - machineStart;
      const wallMs = Math.max(1, now() - startedAt);
      const profiles = profileStem === null ? [] : await server.stopProfile(profileStem);
      const probeEnd = await server.probeSample();
      const serverSystem = serverEnd.cpuSystemMs - serverStart.cpuSystemMs;
      const serverMs = cpuMs(serverEnd) - cpuMs(serverStart);
      const generatorMs = (generator.user + generator.system) / 1000;
      const redisMs =
        redisStart !== null && redisEnd !== null ? cpuMs(redisEnd) - cpuMs(redisStart) : 0;
      const figures: Record<string, number> = {
        serverCpuPercent: (serverMs / wallMs) * 100,
        serverSystemPercent: (serverSystem / wallMs) * 100,
        generatorCpuPercent: (generatorMs / wallMs) * 100,
        otherCpuPercent: (Math.max(0, machineMs - serverMs - generatorMs - redisMs) / wallMs) * 100,
        serverRssMb: serverEnd.rssKb / 1024,
        serverPeakRssMb: serverEnd.peakRssKb / 1024,
        gcMarkCompact: probeEnd.gcMarkCompact - probeStart.gcMarkCompact,
        gcScavenge: probeEnd.gcScavenge - probeStart.gcScavenge,
        gcMs: probeEnd.gcMs - probeStart.gcMs,
      };
      if (redisStart !== null) figures.redisCpuPercent = (redisMs / wallMs) * 100;
      // System calls, where /proc lets us count them: a write per member per turn is the design.
      const writeCalls = serverEnd.writeCalls - serverStart.writeCalls;
      const readCalls = serverEnd.readCalls - serverStart.readCalls;
      if (Number.isFinite(writeCalls)) figures.serverWriteCalls = writeCalls;
      if (Number.isFinite(readCalls)) figures.serverReadCalls = readCalls;
      return { figures, profiles };
    },
  };
}
