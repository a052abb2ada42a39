/**
 * A soak against a real server in this process: the server is built with `createServer` on
 * 127.0.0.1 port 0, warmed up, measured idle, soaked, then measured again once every client is
 * gone, so the report says both what the room holds and what the server kept.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CONFIG_DEFAULTS, type Config } from '../config.js';
import { createServer } from '../create-server.js';
import { createLogger } from '../logger.js';
import { type MemoryFigure, measureMemory } from './measure-memory.js';
import { runSoak, type SoakOptions, type SoakReport } from './soak-runner.js';

/** A soak's findings and the server's memory around it. */
export interface SoakResult {
  readonly report: SoakReport;
  /** After start, before any client. */
  readonly idle: MemoryFigure;
  /** After the soak, every connection closed. */
  readonly after: MemoryFigure;
  /** Connections still open on the server at the end (must be 0). */
  readonly leftOpen: number;
}

// Every message stays retained, so a resume with `since` is never truncated.
const SOAK_RETAINED_HISTORY = 1_000_000;
const DRAIN_TIMEOUT_MS = 10_000;
const WARM_UP_MS = 1000;

/** Starts a server, soaks it with `options`, stops it. */
export async function soakServer(
  options: Omit<SoakOptions, 'base'>,
  overrides: Partial<Config> = {},
): Promise<SoakResult> {
  const webRoot = await mkdtemp(path.join(tmpdir(), 'draftbridge-soak-'));
  const config: Config = {
    ...CONFIG_DEFAULTS,
    port: 0,
    host: '127.0.0.1',
    logLevel: 'silent',
    webRoot,
    historyRetained: SOAK_RETAINED_HISTORY,
    ...overrides,
  };
  const server = createServer(config, { logger: createLogger('silent') });
  const { port } = await server.listen(0, '127.0.0.1');
  try {
    // A short soak in another room first: code compiled and modules loaded on first use are
    // not what the soak should be charged with.
    await runSoak({
      ...options,
      durationMs: WARM_UP_MS,
      room: 'warm-up',
      base: `ws://127.0.0.1:${port}`,
    });
    const idle = await measureMemory();
    const report = await runSoak({ ...options, base: `ws://127.0.0.1:${port}` });
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    while (server.connections.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const leftOpen = server.connections.size;
    const after = await measureMemory();
    return { report, idle, after, leftOpen };
  } finally {
    await server.close();
    await rm(webRoot, { recursive: true, force: true });
  }
}
