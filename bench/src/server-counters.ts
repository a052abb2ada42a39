/**
 * What draftbridge itself counted during a run, read from its /metrics (Prometheus text) after
 * the run: whether any of its limits acted on the generator (rate-limited frames, slow readers
 * dropped, errors sent). The bench configures them out of the way; this checks that they were.
 */
import http from 'node:http';
import { BENCH_HOST } from './server-process.js';

/** The counters, summed over their labels and over the instances. */
export interface ServerCounters {
  readonly rateLimited: number;
  readonly slowReadersClosed: number;
  readonly errorsSent: number;
}

const COUNTERS: Record<keyof ServerCounters, string> = {
  rateLimited: 'draftbridge_rate_limited_messages_total',
  slowReadersClosed: 'draftbridge_slow_readers_closed_total',
  errorsSent: 'draftbridge_errors_sent_total',
};

/** Sums each counter over its label sets in a Prometheus text exposition. */
export function parseCounters(text: string): ServerCounters {
  const totals = { rateLimited: 0, slowReadersClosed: 0, errorsSent: 0 };
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    for (const [key, name] of Object.entries(COUNTERS) as [keyof ServerCounters, string][]) {
      if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) {
        const value = Number(line.slice(line.lastIndexOf(' ') + 1));
        if (Number.isFinite(value)) totals[key] += value;
      }
    }
  }
  return totals;
}

function fetchText(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: BENCH_HOST, port, path, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve(body));
    });
    request.setTimeout(5000, () => request.destroy(new Error(`no answer on ${path}`)));
    request.on('error', reject);
  });
}

/** Reads and sums the counters of every instance. */
export async function readServerCounters(ports: readonly number[]): Promise<ServerCounters> {
  const all = await Promise.all(
    ports.map(async (port) => parseCounters(await fetchText(port, '/metrics'))),
  );
  return {
    rateLimited: all.reduce((sum, c) => sum + c.rateLimited, 0),
    slowReadersClosed: all.reduce((sum, c) => sum + c.slowReadersClosed, 0),
    errorsSent: all.reduce((sum, c) => sum + c.errorsSent, 0),
  };
}
