/**
 * `npm run cluster`'s command as a child process: it prints the URLs, the cluster answers
 * through the proxy, and SIGINT (Ctrl-C) stops every process it started, leaving none behind.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { freePorts } from './processes.js';

// Every process below `pid`, from `ps`.
function descendants(pid: number): number[] {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const [child, ppid] of rows) {
      if (ppid !== parent) continue;
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

// Running, not a zombie: a zombie whose parent is gone waits for an init to reap it, and this
// machine's pid 1 may not be one.
const isAlive = (pid: number) => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

describe('npm run cluster', () => {
  it.each(['nginx', 'haproxy'])(
    'starts Redis, two instances and %s, prints the URLs, and stops all of them on Ctrl-C',
    async (proxy) => {
      const [httpPort = 0, httpsPort = 0] = await freePorts(2);
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'src/cluster/main.ts',
          '--proxy',
          proxy,
          '--http-port',
          String(httpPort),
          '--https-port',
          String(httpsPort),
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
      });
      child.stderr.on('data', () => {});
      const deadline = Date.now() + 30_000;
      while (!out.includes('Ctrl-C stops everything') && Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`cluster exited early:\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(out).toContain(`http://127.0.0.1:${httpPort}, https://127.0.0.1:${httpsPort}`);
      expect((await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status).toBe(200);

      const started = descendants(child.pid ?? 0);
      // Redis, two instances, the proxy (and nginx's worker), each with its watchdog.
      expect(started.length).toBeGreaterThanOrEqual(8);
      const exited = once(child, 'exit');
      child.kill('SIGINT');
      const [code] = await exited;
      expect(code).toBe(0);
      // Redis's watchdog (test-support/redis-server.ts) may leave its `sleep 1` for a moment.
      const gone = Date.now() + 2000;
      while (started.some(isAlive) && Date.now() < gone) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(started.filter(isAlive)).toEqual([]);
      await expect(fetch(`http://127.0.0.1:${httpPort}/healthz`)).rejects.toThrow();
    },
    40_000,
  );
});
