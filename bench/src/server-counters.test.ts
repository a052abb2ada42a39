import { describe, expect, it } from 'vitest';
import { parseCounters } from './server-counters.js';

describe('parseCounters', () => {
  it('sums each counter over its labels and ignores the rest', () => {
    const text = [
      '# HELP draftbridge_rate_limited_messages_total Frames dropped by the rate limit.',
      '# TYPE draftbridge_rate_limited_messages_total counter',
      'draftbridge_rate_limited_messages_total{protocol="rfc6455"} 3',
      'draftbridge_rate_limited_messages_total{protocol="hixie-76"} 2',
      'draftbridge_errors_sent_total{code="rate_limited"} 1',
      'draftbridge_slow_readers_closed_total 0',
      'draftbridge_messages_out_total{protocol="rfc6455"} 999',
    ].join('\n');
    expect(parseCounters(text)).toEqual({ rateLimited: 5, slowReadersClosed: 0, errorsSent: 1 });
  });
});
