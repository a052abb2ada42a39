import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { startRedis } from './redis-process.js';
import { BENCH_HOST, findFreePort } from './server-process.js';

function ping(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, BENCH_HOST, () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      resolve(data.toString());
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

describe('startRedis', () => {
  it('starts a real redis-server on a free port and stops it by its pid', async () => {
    const port = await findFreePort();
    const redis = await startRedis(BENCH_HOST, port, () => undefined);
    try {
      expect(redis.url).toBe(`redis://${BENCH_HOST}:${port}`);
      expect(await ping(port)).toBe('+PONG\r\n');
      expect(redis.sample().rssKb).toBeGreaterThan(0);
    } finally {
      await redis.stop();
    }
    await expect(ping(port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
