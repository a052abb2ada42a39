/**
 * The conformance suite: every case of cases.ts (Autobahn|Testsuite's categories, answered as a
 * chat server answers) on every hybi way into a real server on port 0, over raw sockets:
 * WebSocket-Node (`/ws`), faye-websocket (`/ws?engine=faye-websocket`), hybi-08 and hybi-07.
 * Autobahn itself needs Python 2 and its packages, which cannot be installed here. The table
 * of results is printed after the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/test-server.js';
import {
  CONFORMANCE_CASES,
  type ConformanceCase,
  MAX_FRAGMENTS,
  MAX_MESSAGE_BYTES,
} from './cases.js';
import { formatConformanceTable } from './report.js';
import { type CaseOutcome, type ConformancePath, runCase } from './run-case.js';

const PATHS: readonly ConformancePath[] = [
  { name: 'rfc6455 WebSocket-Node', protocol: 'rfc6455', target: '/ws' },
  { name: 'rfc6455 faye-websocket', protocol: 'rfc6455', target: '/ws?engine=faye-websocket' },
  { name: 'hybi-08 WebSocket-Node', protocol: 'hybi-08', target: '/ws' },
  { name: 'hybi-07 faye-websocket', protocol: 'hybi-07', target: '/ws' },
];

// Cases at once; each has its own connection, so none waits on another's limits.
const CONCURRENCY = 24;

const outcomes = new Map<string, CaseOutcome>();
const keyOf = (testCase: ConformanceCase, path: ConformancePath) => `${testCase.id} ${path.name}`;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ maxMessageBytes: MAX_MESSAGE_BYTES, maxFragments: MAX_FRAGMENTS });
  const runs = CONFORMANCE_CASES.flatMap((testCase) => PATHS.map((path) => ({ testCase, path })));
  let next = 0;
  const worker = async () => {
    while (next < runs.length) {
      const run = runs[next] as (typeof runs)[number];
      next += 1;
      const outcome = await runCase(t.port, run.path, run.testCase).catch(
        (error: unknown): CaseOutcome => ({
          pass: false,
          seen: `error: ${(error as Error).message}`,
        }),
      );
      outcomes.set(keyOf(run.testCase, run.path), outcome);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}, 60_000);

afterAll(async () => {
  console.info(
    `[conformance]\n${formatConformanceTable(CONFORMANCE_CASES, PATHS, (c, p) => outcomes.get(keyOf(c, p)))}`,
  );
  await t.stop();
});

describe.each(PATHS)('$name', (path) => {
  it.each(CONFORMANCE_CASES.map((c) => [c.id, c.title, c] as const))(
    '%s %s',
    (_id, _title, testCase) => {
      const outcome = outcomes.get(keyOf(testCase, path));
      expect(outcome?.seen).toBeDefined();
      expect(outcome?.pass, outcome?.seen).toBe(true);
    },
  );
});
