import { describe, expect, it } from 'vitest';
import { QUICK_PLAN } from '../constants.js';
import { launchGroup } from '../server-process.js';
import { PEER_SUBJECTS, type SubjectName } from '../subjects.js';
import { runBurst } from './burst.js';

// A small burst (one room of 10, every member sending) on a real server of the subject.
async function smallBurst(name: SubjectName, burstWaves: number) {
  const subject = PEER_SUBJECTS.find((s) => s.name === name);
  if (subject === undefined) throw new Error(`no ${name} subject`);
  const server = await launchGroup(subject.launch, subject.instances);
  try {
    const plan = { ...QUICK_PLAN, burstDeliveries: 2000, burstWaves };
    const spec = { kind: 'burst', rooms: 1, members: 10, slowReader: false } as const;
    return await runBurst({ subject, server, plan, profileStem: null }, spec);
  } finally {
    await server.stop();
  }
}

describe('runBurst', () => {
  it('measures the bound over its waves, every one delivered to every member', async () => {
    const { metrics, notes } = await smallBurst('bound', 3);
    expect(notes).toEqual([]);
    expect(metrics.waves).toBe(3);
    // 10 members hear 10 senders' 20 messages, three times over.
    expect(metrics.deliveredFraction).toBe(1);
    expect(metrics.deliveriesPerSecond).toBeGreaterThan(0);
    expect(metrics['rfc6455.p99Ms']).toBeGreaterThanOrEqual(0);
    expect(metrics['hixie76.deliveriesPerSecond']).toBeGreaterThan(0);
  }, 60_000);

  it('gives a subject outside the wave subjects one burst', async () => {
    const { metrics } = await smallBurst('ws', 3);
    expect(metrics.waves).toBe(1);
    expect(metrics.deliveredFraction).toBe(1);
  }, 60_000);
});
