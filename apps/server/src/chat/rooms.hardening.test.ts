/**
 * What a room costs the in-memory hub when someone opens many: each room that got one message
 * is kept (for resumes) until its empty-room TTL, an hour by default, and nothing bounds how
 * many there are, so what each costs must stay small. Measured after a full collection.
 */
import { describe, expect, it } from 'vitest';
import { measureMemory } from '../soak/measure-memory.js';
import { createMemoryHub } from './memory-hub.js';
import { createRecordingMember } from './test-support/hub-member.js';

const ROOMS = 5000;

describe('rooms opened in bulk', () => {
  it('cost about what they hold, not their retention capacity', async () => {
    // The default retention: 1000 messages a room.
    const hub = createMemoryHub({ retainedHistory: 1000 });
    try {
      const before = await measureMemory();
      for (let i = 0; i < ROOMS; i += 1) {
        const member = createRecordingMember(`m${i}`, `c${i}`);
        await hub.join(member, `room-${i}`);
        await hub.say(member, `room-${i}`, 'only', 'one message');
        await hub.leave(member, `room-${i}`);
      }
      const after = await measureMemory();
      const perRoom = (after.heapUsed - before.heapUsed) / ROOMS;
      console.info(
        `[hardening] rooms: ${ROOMS} rooms of one message kept for their TTL cost ${(perRoom / 1024).toFixed(2)} KiB each`,
      );
      // A ring allocated at its capacity would cost 8 KiB a room here before any message.
      expect(perRoom).toBeLessThan(4 * 1024);
    } finally {
      await hub.close();
    }
  });
});
