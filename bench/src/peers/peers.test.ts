import { afterEach, describe, expect, it } from 'vitest';
import { type BenchConnection, openConnection } from '../client/bench-connection.js';
import { DeliveryCounter } from '../client/delivery-counter.js';
import { BENCH_HOST, launchServer, type RunningServer } from '../server-process.js';
import { NAIVE_SUBJECTS } from '../subjects.js';

const open: (BenchConnection | RunningServer)[] = [];
afterEach(async () => {
  for (const item of open.splice(0)) {
    if ('stop' in item) await item.stop();
    else item.destroy();
  }
});

describe('naive peers', () => {
  for (const subject of NAIVE_SUBJECTS) {
    it(`${subject.name} runs as a child process and re-sends each text to every connection`, async () => {
      const server = await launchServer(subject.launch);
      open.push(server);
      expect(server.pid).not.toBe(process.pid);
      const members: BenchConnection[] = [];
      for (const protocol of [...subject.protocols, ...subject.protocols]) {
        const member = await openConnection(protocol, {
          host: BENCH_HOST,
          port: server.port,
          path: '/',
        });
        open.push(member);
        members.push(member);
      }
      const counter = new DeliveryCounter();
      for (const member of members) member.counter = counter;
      members[0]?.send('to everyone');
      members.at(-1)?.send('and again');
      expect(await counter.until(2 * members.length, 5000)).toBe(true);
      expect(server.sample().rssKb).toBeGreaterThan(0);
    }, 20_000);
  }
});
