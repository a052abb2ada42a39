/**
 * ioredis is loaded by the first Redis connection, not by the server's modules: a server
 * without REDIS_URL never carries it. Checked in a child process, whose module cache starts
 * empty.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const SERVER_WORKSPACE = fileURLToPath(new URL('../../..', import.meta.url));

// Prints how many ioredis files are loaded after importing the server, then after `ioredis`
// itself (so the count is shown to see it when it is there).
const SCRIPT = `
import { createRequire } from 'node:module';
const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes('/node_modules/ioredis/')).length;
await import('./src/create-server.ts');
const withServer = loaded();
await import('ioredis');
console.log(JSON.stringify({ withServer, withIoredis: loaded() }));
`;

describe('the Redis connections', () => {
  it('leave ioredis unloaded until one is opened', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', SCRIPT],
      { cwd: SERVER_WORKSPACE },
    );
    const counts = JSON.parse(stdout) as { withServer: number; withIoredis: number };
    expect(counts.withServer).toBe(0);
    expect(counts.withIoredis).toBeGreaterThan(0);
  }, 30_000);
});
