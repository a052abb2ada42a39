import { describe, expect, it } from 'vitest';
import { FULL_PLAN, SCENARIO_NAMES } from '../constants.js';
import { messagesPerSender, SCENARIO_SUBJECTS, SCENARIOS, sendersPerRoom } from './catalog.js';

describe('the burst sizes', () => {
  it('make the same number of deliveries at every room size', () => {
    for (const name of SCENARIO_NAMES) {
      const spec = SCENARIOS[name];
      if (spec.kind !== 'burst') continue;
      const deliveries =
        spec.rooms *
        spec.members *
        sendersPerRoom(FULL_PLAN, spec) *
        messagesPerSender(FULL_PLAN, spec);
      expect(deliveries).toBe(FULL_PLAN.burstDeliveries);
    }
    expect(
      messagesPerSender(FULL_PLAN, { kind: 'burst', rooms: 1, members: 10, slowReader: false }),
    ).toBe(10_000);
  });

  it('runs both references in every scenario, the echo peers only in one room', () => {
    for (const name of SCENARIO_NAMES) {
      expect(SCENARIO_SUBJECTS[name]).toContain('bound');
      expect(SCENARIO_SUBJECTS[name]).toContain('ws');
    }
    expect(SCENARIO_SUBJECTS['rooms-100x10']).not.toContain('ws-echo');
  });
});
