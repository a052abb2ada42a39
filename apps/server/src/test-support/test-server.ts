/**
 * A real draftbridge server on 127.0.0.1 port 0 for integration tests, with a quiet logger
 * and any configuration overridden.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { CONFIG_DEFAULTS, type Config } from '../config.js';
import { type ChatServer, createServer } from '../create-server.js';
import { createLogger } from '../logger.js';

/** A running test server. */
export interface TestServer {
  readonly server: ChatServer;
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly http: string;
  /** `ws://127.0.0.1:PORT` */
  readonly ws: string;
  stop(): Promise<void>;
}

/** Starts a server with the defaults, a temporary web root and `overrides`. */
export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const webRoot = await mkdtemp(path.join(tmpdir(), 'draftbridge-web-'));
  await writeFile(path.join(webRoot, 'index.html'), '<!doctype html><title>draftbridge</title>');
  await writeFile(path.join(webRoot, 'app.js'), 'console.log("draftbridge");');
  const config: Config = { ...CONFIG_DEFAULTS, port: 0, webRoot, logLevel: 'silent', ...overrides };
  const server = createServer(config, { logger: createLogger('silent') });
  const { port } = await server.listen(0, '127.0.0.1');
  return {
    server,
    port,
    http: `http://127.0.0.1:${port}`,
    ws: `ws://127.0.0.1:${port}`,
    stop: async () => {
      await server.close();
      await rm(webRoot, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a test server before the tests of the enclosing `describe` (or file) and stops it
 * after them. Read its fields inside tests and hooks, not while the tests are collected.
 */
export function useTestServer(overrides: Partial<Config> = {}): TestServer {
  let started: TestServer | undefined;
  beforeAll(async () => {
    started = await startTestServer(overrides);
  });
  afterAll(async () => {
    await started?.stop();
  });
  const current = (): TestServer => {
    if (started === undefined) throw new Error('the test server is not started yet');
    return started;
  };
  return {
    get server() {
      return current().server;
    },
    get port() {
      return current().port;
    },
    get http() {
      return current().http;
    },
    get ws() {
      return current().ws;
    },
    stop: () => current().stop(),
  };
}
