/**
 * Scenario 3, capacity: idle connections opened in one phase per protocol (half RFC 6455, half
 * hixie-76 where the subject serves both; all RFC 6455 otherwise), CONNECT_CONCURRENCY
 * handshakes in flight. Per protocol: handshakes per second over the phase, the server's CPU
 * per handshake, and memory per connection as the growth of the server's resident size over the
 * phase, read once the connections have sat idle for MEMORY_SETTLE_MS. draftbridge connections
 * are not joined: an idle connection is what is measured.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type BenchConnection, openConnection } from '../client/bench-connection.js';
import { settleConcurrently } from '../client/concurrency.js';
import { now } from '../client/delivery-counter.js';
import { CONNECT_CONCURRENCY, MEMORY_SETTLE_MS } from '../constants.js';
import { BENCH_HOST } from '../server-process.js';
import { protocolKey, type RunOutcome, type ScenarioContext } from './scenario-context.js';

/** Runs the capacity scenario. */
export async function runCapacity(context: ScenarioContext): Promise<RunOutcome> {
  const { plan, subject, server } = context;
  const target = { host: BENCH_HOST, port: server.port, path: subject.dialect.path };
  const perPhase = Math.floor(plan.capacityConnections / subject.protocols.length);
  const metrics: Record<string, number> = {};
  const notes: string[] = [];
  const open: BenchConnection[] = [];
  try {
    await sleep(MEMORY_SETTLE_MS);
    let before = server.sample();
    let failed = 0;
    for (const protocol of subject.protocols) {
      const startedAt = now();
      const results = await settleConcurrently(perPhase, CONNECT_CONCURRENCY, () =>
        openConnection(protocol, target),
      );
      const phaseMs = now() - startedAt;
      const cpu = server.sample();
      let opened = 0;
      for (const result of results) {
        if (result.status === 'fulfilled') {
          open.push(result.value);
          opened += 1;
        } else {
          failed += 1;
        }
      }
      await sleep(MEMORY_SETTLE_MS);
      const after = server.sample();
      const cpuMs = cpu.cpuUserMs + cpu.cpuSystemMs - (before.cpuUserMs + before.cpuSystemMs);
      metrics[protocolKey(protocol, 'handshakesPerSecond')] = opened / (phaseMs / 1000);
      metrics[protocolKey(protocol, 'serverCpuUsPerHandshake')] =
        (cpuMs * 1000) / Math.max(1, opened);
      metrics[protocolKey(protocol, 'memoryPerConnectionKb')] =
        (after.rssKb - before.rssKb) / Math.max(1, opened);
      before = after;
    }
    const end = server.sample();
    metrics.connections = open.filter((c) => !c.closed).length;
    metrics.failedHandshakes = failed;
    metrics.serverRssMb = end.rssKb / 1024;
    if (failed > 0) notes.push(`${failed} handshakes failed`);
    return { metrics, notes };
  } finally {
    for (const connection of open) connection.destroy();
  }
}
