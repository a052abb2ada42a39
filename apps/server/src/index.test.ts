/**
 * The entry point as `npm start` runs it, in a child process: a bad configuration stops it
 * before it listens, with a message naming the option instead of a stack trace.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SERVER_WORKSPACE = fileURLToPath(new URL('..', import.meta.url));
const TEST_TIMEOUT_MS = 15_000;

async function runServer(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
    cwd: SERVER_WORKSPACE,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  // A server that wrongly starts would listen forever; the timeout ends it.
  const timer = setTimeout(() => child.kill('SIGKILL'), TEST_TIMEOUT_MS - 2000);
  const [code] = await once(child, 'exit');
  clearTimeout(timer);
  return { code: code as number | null, stderr };
}

describe('index (the entry point)', () => {
  let emptyFolder: string;

  beforeAll(async () => {
    emptyFolder = await mkdtemp(path.join(tmpdir(), 'draftbridge-no-index-'));
  });
  afterAll(() => rm(emptyFolder, { recursive: true, force: true }));

  it.each([
    ['a WEB_ROOT that does not exist', () => '/nonexistent/draftbridge-web', 'does not exist'],
    ['a WEB_ROOT without index.html', () => emptyFolder, 'has no index.html'],
  ])(
    'stops with exit code 2 and names the option for %s',
    async (_case, webRoot, problem) => {
      const { code, stderr } = await runServer({ WEB_ROOT: webRoot() });
      expect(code).toBe(2);
      expect(stderr).toContain('draftbridge: Invalid configuration:');
      expect(stderr).toContain(`WEB_ROOT (--web-root) must be a folder holding the built web app`);
      expect(stderr).toContain(problem);
      expect(stderr).not.toContain('ENOENT');
      expect(stderr).not.toMatch(/^\s+at /m);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'writes where it listens to READY_FILE as JSON, for whatever started it on PORT=0',
    async () => {
      const webRoot = await mkdtemp(path.join(tmpdir(), 'draftbridge-web-'));
      await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><title>x</title>');
      const readyFile = path.join(webRoot, 'ready.json');
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
        cwd: SERVER_WORKSPACE,
        env: {
          ...process.env,
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'silent',
          WEB_ROOT: webRoot,
          READY_FILE: readyFile,
        },
        stdio: 'ignore',
      });
      try {
        let ready: { url: string; port: number } | undefined;
        for (let i = 0; i < 200 && ready === undefined; i += 1) {
          ready = await readFile(readyFile, 'utf8').then(
            (text) => JSON.parse(text) as { url: string; port: number },
            () => undefined,
          );
          if (ready === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(ready?.port).toBeGreaterThan(0);
        expect(ready?.url).toBe(`http://127.0.0.1:${ready?.port}`);
        expect((await fetch(`${ready?.url}/healthz`)).status).toBe(200);
      } finally {
        child.kill('SIGTERM');
        await once(child, 'exit');
        await rm(webRoot, { recursive: true, force: true });
      }
    },
    TEST_TIMEOUT_MS,
  );
});
