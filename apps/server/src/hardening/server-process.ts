/**
 * The server under attack, in a process of its own so that what is measured is the server's
 * memory and nothing of the attackers'. Configuration comes from the environment, as for
 * `npm start`; the port it listens on is printed as one JSON line. Over IPC it answers
 * `measure` (heap and RSS after two full collections) and `peak` (the highest heap and RSS seen
 * by a 50 ms sampler since the last `peak`).
 */
import { parseConfig } from '../config.js';
import { createServer } from '../create-server.js';
import { createLogger } from '../logger.js';
import { measureMemory } from '../soak/measure-memory.js';

/** What the harness asks. */
export type AttackServerRequest = { readonly type: 'measure' } | { readonly type: 'peak' };

/** What the server answers, in bytes. */
export interface AttackServerMemory {
  readonly heapUsed: number;
  readonly rss: number;
}

const config = parseConfig(process.env, []);
const server = createServer(config, { logger: createLogger(config.logLevel) });
const address = await server.listen(0, '127.0.0.1');

let peak = { heapUsed: 0, rss: 0 };
const sampler = setInterval(() => {
  const { heapUsed, rss } = process.memoryUsage();
  peak = { heapUsed: Math.max(peak.heapUsed, heapUsed), rss: Math.max(peak.rss, rss) };
}, 50);
sampler.unref();

process.on('message', (request: AttackServerRequest) => {
  if (request.type === 'measure') {
    void measureMemory().then(({ heapUsed, rss }) => process.send?.({ heapUsed, rss }));
  } else {
    const answer = peak;
    peak = { heapUsed: 0, rss: 0 };
    process.send?.(answer);
  }
});
process.on('disconnect', () => {
  void server.close().then(() => process.exit(0));
});
process.stdout.write(`${JSON.stringify({ port: address.port })}\n`);
