import { describe, expect, it } from 'vitest';
import { mib } from './measure-memory.js';
import { formatSoakReport } from './soak-runner.js';
import { soakServer } from './soak-server.js';

const SOAK_MS = 8_000;
const MIB = 1024 * 1024;

describe('the soak, short', () => {
  it('churns every protocol and ends with every view full, gap-free and duplicate-free', async () => {
    const { report, idle, after, leftOpen } = await soakServer({
      durationMs: SOAK_MS,
      clientsPerKind: 2,
      connectionMs: [200, 1500],
    });
    const growth = after.heapUsed + after.external - idle.heapUsed - idle.external;
    console.info(
      `[hardening] soak ${SOAK_MS / 1000} s: ${formatSoakReport(report)}; memory idle ${mib(idle.heapUsed)} heap, after ${mib(after.heapUsed)} (+${mib(growth)} with ${report.finalSeq} messages retained)`,
    );
    // The churn really happened, on every way in, and dropped connections mid-chat.
    expect(report.connections).toBeGreaterThan(report.clients * 3);
    expect(report.drops).toBeGreaterThan(report.clients);
    expect(report.said).toBeGreaterThan(200);
    // Resends of both kinds: some the room had (answered with the original), some it did not.
    expect(report.repeats).toBeGreaterThan(0);
    expect(report.resent).toBeGreaterThan(report.repeats);
    // Nothing lost, nothing twice, every view the same full sequence.
    expect(report).toMatchObject({
      lost: 0,
      duplicates: 0,
      incompleteViews: 0,
      conflicts: 0,
      liveGaps: 0,
      truncatedWelcomes: 0,
    });
    expect(report.finalSeq).toBe(report.said);
    expect(report.errors).toEqual({});
    expect(leftOpen).toBe(0);
    // Back near idle: what is left is the retained history, a few hundred bytes a message.
    expect(growth).toBeLessThan(4 * MIB + report.finalSeq * 2048);
  }, 90_000);
});
