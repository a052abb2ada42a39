import { describe, expect, it } from 'vitest';
import { QUICK_PLAN } from '../constants.js';
import { launchGroup, type ServerGroup } from '../server-process.js';
import { PEER_SUBJECTS } from '../subjects.js';
import { type Launcher, planBatches, runCapacity } from './capacity.js';

describe('planBatches', () => {
  it('alternates the protocols, each with its half of the connections', () => {
    expect(planBatches(['rfc6455', 'hixie76'], 1000, 250)).toEqual([
      'rfc6455',
      'hixie76',
      'rfc6455',
      'hixie76',
    ]);
  });

  it('gives a one-protocol server every connection and rounds a last batch up', () => {
    expect(planBatches(['rfc6455'], 600, 250)).toEqual(['rfc6455', 'rfc6455', 'rfc6455']);
  });
});

// A subject's server that counts the collections forced on it and logs each CPU sample it
// gives, under `label`. Its probe reports one more mark-compact at every answer, so the
// collections charged to a batch show which answers were read around it.
async function countedServer(name: string, samples: string[], label = name) {
  const subject = PEER_SUBJECTS.find((s) => s.name === name);
  if (subject === undefined) throw new Error(`no ${name} subject`);
  const server = await launchGroup(subject.launch, 1);
  const counts = { forced: 0, probed: 0 };
  const counted: ServerGroup = {
    ...server,
    sample() {
      samples.push(label);
      return server.sample();
    },
    async probeSample(collect) {
      if (collect === true) counts.forced += 1;
      counts.probed += 1;
      return { ...(await server.probeSample(collect)), gcMarkCompact: counts.probed };
    },
  };
  return { subject, server, counted, counts };
}

// Launches the handshake passes' fresh servers as counted ones, labelled `<name> fresh`.
function countedLauncher(samples: string[]) {
  const launched: { name: string; counts: { forced: number; probed: number } }[] = [];
  const launch: Launcher = async (subject) => {
    const { counted, counts } = await countedServer(subject.name, samples, `${subject.name} fresh`);
    launched.push({ name: subject.name, counts });
    return counted;
  };
  return { launch, launched };
}

describe('runCapacity', () => {
  it('measures both passes through real sockets on a bare engine serving both protocols', async () => {
    const samples: string[] = [];
    const { subject, server, counted, counts } = await countedServer('faye-websocket', samples);
    const fresh = countedLauncher(samples);
    try {
      const plan = { ...QUICK_PLAN, capacityConnections: 40, capacityWarmupConnections: 10 };
      const [outcome] = await runCapacity(
        [{ subject, server: counted, plan, profileStem: null }],
        10_000,
        fresh.launch,
      );
      const metrics = outcome?.metrics ?? {};
      for (const protocol of ['rfc6455', 'hixie76']) {
        expect(metrics[`${protocol}.handshakesPerSecond`]).toBeGreaterThan(0);
        expect(metrics[`${protocol}.serverCpuUsPerHandshake`]).toBeGreaterThanOrEqual(0);
        expect(metrics[`${protocol}.heapPerConnectionKb`]).toBeDefined();
        expect(metrics[`${protocol}.memoryPerConnectionKb`]).toBeDefined();
        // One batch per protocol, its probe read just before and just after it.
        expect(metrics[`${protocol}.handshakeMarkCompacts`]).toBe(1);
        expect(metrics[`${protocol}.handshakeGcMs`]).toBeGreaterThanOrEqual(0);
      }
      expect(metrics.connections).toBe(40);
      expect(metrics.failedHandshakes).toBe(0);
      // Collections are forced only in the memory pass: one before it and one after each of its
      // two batches. The handshakes are timed on a fresh server, where none is.
      expect(counts.forced).toBe(3);
      expect(fresh.launched.map((l) => [l.name, l.counts.forced, l.counts.probed])).toEqual([
        ['faye-websocket', 0, 4],
      ]);
      // The memory pass samples the first server only (before, and after each batch); every
      // handshake batch and the last resident size sample the fresh one.
      expect(samples).toEqual([
        'faye-websocket',
        'faye-websocket',
        'faye-websocket',
        ...Array(5).fill('faye-websocket fresh'),
      ]);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('lets the subjects take turns in the handshake pass, each within its share of the sockets', async () => {
    const samples: string[] = [];
    const a = await countedServer('faye-websocket', samples);
    const b = await countedServer('both-engines', samples);
    const fresh = countedLauncher(samples);
    try {
      const plan = { ...QUICK_PLAN, capacityConnections: 80, capacityWarmupConnections: 10 };
      const outcomes = await runCapacity(
        [a, b].map(({ subject, counted }) => ({
          subject,
          server: counted,
          plan,
          profileStem: null,
        })),
        80,
        fresh.launch,
      );
      expect(outcomes).toHaveLength(2);
      for (const outcome of outcomes) {
        // The memory pass opens the plan's 80; the handshake pass half the generator's 80 sockets.
        expect(outcome.metrics.handshakePassConnections).toBe(40);
        expect(outcome.metrics.connections).toBe(40);
        expect(outcome.metrics.failedHandshakes).toBe(0);
        expect(outcome.metrics['rfc6455.heapPerConnectionKb']).toBeDefined();
        expect(outcome.metrics['hixie76.handshakesPerSecond']).toBeGreaterThan(0);
      }
      expect([a.counts.forced, b.counts.forced]).toEqual([3, 3]);
      expect(fresh.launched.map((l) => l.name)).toEqual(['faye-websocket', 'both-engines']);
      // Each handshake batch samples its server's CPU before and after it. Two batches each (one
      // per protocol): a's first, then b's two (the second round starts with b), then a's
      // second; last, one sample each for the resident size.
      const f = 'faye-websocket fresh';
      const e = 'both-engines fresh';
      expect(samples.slice(-10)).toEqual([f, f, e, e, e, e, f, f, f, e]);
    } finally {
      await Promise.all([a.server.stop(), b.server.stop()]);
    }
  }, 90_000);
});
