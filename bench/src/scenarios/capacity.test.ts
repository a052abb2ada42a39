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

describe('runCapacity', () => {
  it('measures both passes through real sockets on a bare engine serving both protocols', async () => {
    const subject = PEER_SUBJECTS.find((s) => s.name === 'faye-websocket');
    if (subject === undefined) throw new Error('no faye-websocket subject');
    const server = await launchGroup(subject.launch, 1);
    let forced = 0;
    const counted: ServerGroup = {
      ...server,
      async probeSample(collect) {
        if (collect === true) forced += 1;
        return server.probeSample(collect);
      },
    };
    try {
      const plan = { ...QUICK_PLAN, capacityConnections: 40, capacityWarmupConnections: 10 };
      const { metrics } = await runCapacity({ subject, server: counted, plan, profileStem: null });
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
      expect(forced).toBe(4);
    } finally {
      await server.stop();
    }
  }, 60_000);
});
