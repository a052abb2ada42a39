/**
 * Starts the production build of the server (apps/server/dist, serving apps/web/dist) on a
 * free port of 127.0.0.1 before the tests, and stops it after. Turbo builds both first
 * (this workspace depends on them and `test` depends on `^build`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BASE_URL_ENV, CHROMIUM_PATH, SERVER_START_TIMEOUT_MS } from './constants.js';

function resolveServerEntry(): string {
  const require = createRequire(import.meta.url);
  const serverRoot = path.dirname(require.resolve('@draftbridge/server/package.json'));
  const entry = path.join(serverRoot, 'dist', 'index.js');
  if (!existsSync(entry)) {
    throw new Error(`${entry} is missing: run "npx turbo run build" first (npm test does).`);
  }
  return entry;
}

// PORT=0 lets the server pick its port; with READY_FILE it writes {"url", ...} there once it listens.
function waitForUrl(child: ChildProcess, readyFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const started = Date.now();
    const poll = setInterval(() => {
      if (existsSync(readyFile)) {
        clearInterval(poll);
        resolve((JSON.parse(readFileSync(readyFile, 'utf8')) as { url: string }).url);
      } else if (Date.now() - started > SERVER_START_TIMEOUT_MS) {
        clearInterval(poll);
        reject(
          new Error(`the server did not start within ${SERVER_START_TIMEOUT_MS} ms:\n${output}`),
        );
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(poll);
      reject(new Error(`the server exited with ${code}:\n${output}`));
    });
  });
}

/** Starts the server and returns the teardown that stops it. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install Debian's (apt-get install -y chromium) or set CHROMIUM_PATH`,
    );
  }
  const scratch = await mkdtemp(path.join(tmpdir(), 'draftbridge-e2e-'));
  const readyFile = path.join(scratch, 'ready.json');
  const child = spawn(process.execPath, [resolveServerEntry()], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      READY_FILE: readyFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await waitForUrl(child, readyFile);
  const health = await fetch(`${url}/healthz`);
  if (!health.ok) throw new Error(`${url}/healthz answered ${health.status}`);
  process.env[BASE_URL_ENV] = url;
  return async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(scratch, { recursive: true, force: true });
  };
}
