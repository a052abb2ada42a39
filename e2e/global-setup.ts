/**
 * Starts the production build of the server (apps/server/dist, serving apps/web/dist) on a
 * free port of 127.0.0.1 before the tests, and stops it after. Turbo builds both first
 * (this workspace depends on them and `test` depends on `^build`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BASE_URL_ENV, CHROMIUM_PATH, SERVER_START_TIMEOUT_MS } from './constants.js';

// The server prints "... on http://HOST:PORT" once it listens; PORT=0 lets it pick the port.
const LISTENING = /on (http:\/\/[\d.]+:\d+)/;

function resolveServerEntry(): string {
  const require = createRequire(import.meta.url);
  const serverRoot = path.dirname(require.resolve('@draftbridge/server/package.json'));
  const entry = path.join(serverRoot, 'dist', 'index.js');
  if (!existsSync(entry)) {
    throw new Error(`${entry} is missing: run "npx turbo run build" first (npm test does).`);
  }
  return entry;
}

function waitForUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      reject(
        new Error(`the server did not start within ${SERVER_START_TIMEOUT_MS} ms:\n${output}`),
      );
    }, SERVER_START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = LISTENING.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
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
  const child = spawn(process.execPath, [resolveServerEntry()], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await waitForUrl(child);
  const health = await fetch(`${url}/healthz`);
  if (!health.ok) throw new Error(`${url}/healthz answered ${health.status}`);
  process.env[BASE_URL_ENV] = url;
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
}
