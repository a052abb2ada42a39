import { describe, expect, it } from 'vitest';
import { countConnectionClosed, countConnectionOpened, createMetrics } from './metrics.js';

describe('createMetrics', () => {
  it('exposes every chat metric and the default process metrics in Prometheus text', async () => {
    const metrics = createMetrics();
    const text = await metrics.registry.metrics();
    for (const name of [
      'draftbridge_connections_open',
      'draftbridge_connections_total',
      'draftbridge_messages_in_total',
      'draftbridge_messages_out_total',
      'draftbridge_handshakes_rejected_total',
      'draftbridge_relay_legs_open',
      'draftbridge_slow_readers_closed_total',
      'draftbridge_rate_limited_messages_total',
      'draftbridge_errors_sent_total',
      'draftbridge_process_cpu_user_seconds_total',
      'draftbridge_nodejs_heap_size_used_bytes',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(metrics.registry.contentType).toMatch(/^text\/plain/);
  });

  it('starts per-protocol and per-code series at 0', async () => {
    const text = await createMetrics().registry.metrics();
    expect(text).toContain('draftbridge_messages_in_total{protocol="hixie-75"} 0');
    expect(text).toContain('draftbridge_errors_sent_total{code="binary_unsupported"} 0');
  });

  it('keeps each server on its own registry', async () => {
    const one = createMetrics();
    const two = createMetrics();
    one.handshakesRejected.inc({ reason: 'origin' });
    expect(await one.registry.metrics()).toContain(
      'draftbridge_handshakes_rejected_total{reason="origin"} 1',
    );
    expect(await two.registry.metrics()).not.toContain('reason="origin"');
  });
});

describe('hubSizes', () => {
  it('is what the history and room gauges read at each scrape', async () => {
    const metrics = createMetrics();
    metrics.hubSizes.historyBytes = 4096;
    metrics.hubSizes.rooms = 3;
    const text = await metrics.registry.metrics();
    expect(text).toContain('draftbridge_history_bytes 4096');
    expect(text).toContain('draftbridge_rooms 3');
    metrics.hubSizes.rooms = 2;
    expect(await metrics.registry.metrics()).toContain('draftbridge_rooms 2');
  });
});

describe('countConnectionOpened and countConnectionClosed', () => {
  it('count every connection, and the open ones until they close', async () => {
    const metrics = createMetrics();
    const labels = { protocol: 'hixie-76', engine: 'faye-websocket' };
    countConnectionOpened(metrics, labels);
    countConnectionOpened(metrics, labels);
    const open = async () => (await metrics.connectionsOpen.get()).values[0]?.value;
    expect(await open()).toBe(2);
    countConnectionClosed(metrics, labels);
    expect(await open()).toBe(1);
    expect((await metrics.connectionsTotal.get()).values[0]).toMatchObject({ value: 2, labels });
  });
});
