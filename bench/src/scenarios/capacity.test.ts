import { describe, expect, it } from 'vitest';
import { QUICK_PLAN } from '../constants.js';
import { launchGroup, type ServerGroup } from '../server-process.js';
import { PEER_SUBJECTS } from '../subjects.js';
import { planBatches, runCapacity } from './capacity.js';

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

// A subject whose server counts the collections forced on it and logs each CPU sample it gives.
async function countedServer(name: string, samples: string[]) {
  const subject = PEER_SUBJECTS.find((s) => s.name === name);
  if (subject === undefined) throw new Error(`no ${name} subject`);
  const server = await launchGroup(subject.launch, 1);
  const counts = { forced: 0 };
  const counted: ServerGroup = {
    ...server,
    sample() {
      samples.push(name);
      return server.sample();
    },
    async probeSample(collect) {
      if (collect === true) counts.forced += 1;
      return server.probeSample(collect);
    },
  };
  return { subject, server, counted, counts };
}

describe('runCapacity', () => {
  it('measures both passes through real sockets on a bare engine serving both protocols', async () => {
    const { subject, server, counted, counts } = await countedServer('faye-websocket', []);
    try {
      const plan = { ...QUICK_PLAN, capacityConnections: 40, capacityWarmupConnections: 10 };
      const [outcome] = await runCapacity(
        [{ subject, server: counted, plan, profileStem: null }],
        10_000,
      );
      const metrics = outcome?.metrics ?? {};
      for (const protocol of ['rfc6455', 'hixie76']) {
        expect(metrics[`${protocol}.handshakesPerSecond`]).toBeGreaterThan(0);
        expect(metrics[`${protocol}.serverCpuUsPerHandshake`]).toBeGreaterThanOrEqual(0);
        expect(metrics[`${protocol}.heapPerConnectionKb`]).toBeDefined();
        expect(metrics[`${protocol}.memoryPerConnectionKb`]).toBeDefined();
      }
      expect(metrics.connections).toBe(40);
      expect(metrics.failedHandshakes).toBe(0);
      // Collections are forced only around the memory pass: one before it, one after each of
      // its two batches, one once its connections are closed; none in the handshake pass.
      expect(counts.forced).toBe(4);
    } finally {
      await server.stop();
    }
  }, 60_000);

  it('lets the subjects take turns in the handshake pass, each within its share of the sockets', async () => {
    const samples: string[] = [];
    const a = await countedServer('faye-websocket', samples);
    const b = await countedServer('both-engines', samples);
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
      expect([a.counts.forced, b.counts.forced]).toEqual([4, 4]);
      // Each handshake batch samples its server's CPU before and after it. Two batches each (one
      // per protocol): a's first, then b's two (the second round starts with b), then a's
      // second; last, one sample each for the resident size.
      expect(samples.slice(-10).join(' ')).toBe(
        [
          'faye-websocket',
          'faye-websocket',
          'both-engines',
          'both-engines',
          'both-engines',
          'both-engines',
          'faye-websocket',
          'faye-websocket',
          'faye-websocket',
          'both-engines',
        ].join(' '),
      );
    } finally {
      await Promise.all([a.server.stop(), b.server.stop()]);
    }
  }, 90_000);
});
