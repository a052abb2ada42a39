/**
 * The server under attack, in a process of its own so that what is measured is the server's
 * memory and nothing of the attackers'. Configuration comes from the environment, as for
 * `npm start`; the port it listens on is printed as one JSON line. Over IPC it answers
 * `measure` (heap and RSS after two full collections) and `peak` (the highest heap and RSS seen
 * by a 50 ms sampler since the last `peak`).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';
import { parseConfig } from '../config.js';
import { createServer } from '../create-server.js';
import { createLogger } from '../logger.js';
import { measureMemory } from '../soak/measure-memory.js';

/** What the harness asks. */
export type AttackServerRequest =
  | { readonly type: 'measure' }
  | { readonly type: 'peak' }
  | { readonly type: 'snapshot'; readonly file: string };

/** What the server answers: memory in bytes; for `peak`, also the CPU it used since the last `peak`. */
export interface AttackServerMemory {
  readonly heapUsed: number;
  readonly rss: number;
  /** CPU seconds (user and system) since the last `peak`; 0 for `measure`. */
  readonly cpuSeconds: number;
  /** The longest the event loop was late since the last `peak`, in ms; 0 for `measure`. */
  readonly loopDelayMaxMs: number;
}

const config = parseConfig(process.env, []);
const server = createServer(config, { logger: createLogger(config.logLevel) });
const address = await server.listen(0, '127.0.0.1');

let peak = { heapUsed: 0, rss: 0 };
let cpuAtLastPeak = process.cpuUsage();
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
const sampler = setInterval(() => {
  // Reading RSS needs a file descriptor: out of them (an attack on them), skip the sample.
  try {
    const { heapUsed, rss } = process.memoryUsage();
    peak = { heapUsed: Math.max(peak.heapUsed, heapUsed), rss: Math.max(peak.rss, rss) };
  } catch {
    // Counted at the next sample.
  }
}, 50);
sampler.unref();

// Reading RSS needs a file descriptor: while an attack holds them all, try again a little later
// rather than let the failed read end the process.
async function measureWhenPossible(): Promise<{ heapUsed: number; rss: number }> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await measureMemory();
    } catch (error) {
      if (attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

process.on('message', (request: AttackServerRequest) => {
  if (request.type === 'snapshot') {
    // For a look at what the heap holds (Chrome DevTools opens the file).
    void measureWhenPossible().then(({ heapUsed, rss }) => {
      writeHeapSnapshot(request.file);
      process.send?.({
        heapUsed,
        rss,
        cpuSeconds: 0,
        loopDelayMaxMs: 0,
      } satisfies AttackServerMemory);
    });
  } else if (request.type === 'measure') {
    void measureWhenPossible().then(({ heapUsed, rss }) =>
      process.send?.({
        heapUsed,
        rss,
        cpuSeconds: 0,
        loopDelayMaxMs: 0,
      } satisfies AttackServerMemory),
    );
  } else {
    const cpu = process.cpuUsage(cpuAtLastPeak);
    cpuAtLastPeak = process.cpuUsage();
    const answer: AttackServerMemory = {
      ...peak,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      loopDelayMaxMs: loopDelay.max / 1e6,
    };
    loopDelay.reset();
    peak = { heapUsed: 0, rss: 0 };
    process.send?.(answer);
  }
});
process.on('disconnect', () => {
  void server.close().then(() => process.exit(0));
});
process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
