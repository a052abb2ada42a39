import { describe, expect, it } from 'vitest';
import { originOf, summarizeProfile } from './profile-summary.js';

const frame = (functionName: string, url = '', lineNumber = 0) => ({
  functionName,
  url,
  lineNumber,
});

describe('summarizeProfile', () => {
  it('counts self samples per function across call paths, idle apart', () => {
    const summary = summarizeProfile({
      nodes: [
        { id: 1, callFrame: frame('(root)') },
        { id: 2, callFrame: frame('(idle)') },
        { id: 3, callFrame: frame('writev') },
        { id: 4, callFrame: frame('flush', 'file:///repo/packages/router/dist/outbox.js', 119) },
        { id: 5, callFrame: frame('flush', 'file:///repo/packages/router/dist/outbox.js', 119) },
        { id: 6, callFrame: frame('parse', 'file:///repo/node_modules/websocket/lib/X.js', 9) },
      ],
      samples: [2, 2, 3, 3, 3, 4, 5, 6, 2, 3],
      startTime: 0,
      endTime: 20_000,
    });
    expect(summary.samples).toBe(10);
    expect(summary.durationMs).toBe(20);
    expect(summary.idle).toBeCloseTo(0.3);
    expect(summary.busyMs).toBeCloseTo(14);
    // Shares of the 7 busy samples; times from the 20 ms the profile ran.
    expect(summary.top.map((e) => e.name)).toEqual([
      'writev',
      'flush (dist/outbox.js:120)',
      'parse (websocket/lib/X.js:10)',
    ]);
    expect(summary.top[0]?.share).toBeCloseTo(4 / 7);
    expect(summary.top[0]?.ms).toBeCloseTo(8);
    expect(summary.top[2]?.share).toBeCloseTo(1 / 7);
  });
});

describe('originOf', () => {
  const at = (functionName: string, url: string) => ({ callFrame: frame(functionName, url) });

  it('names a package, one of our folders, a Node module or a native bucket', () => {
    expect(originOf(at('parse', 'file:///r/node_modules/websocket/lib/X.js'))).toBe(
      'package websocket',
    );
    expect(originOf(at('z', 'file:///r/node_modules/@scope/pkg/dist/z.js'))).toBe(
      'package @scope/pkg',
    );
    expect(originOf(at('say', 'file:///r/apps/server/dist/chat/memory-hub.js'))).toBe(
      'apps/server/chat',
    );
    expect(originOf(at('flush', 'file:///r/packages/protocol-router/dist/outbox.js'))).toBe(
      'packages/protocol-router',
    );
    expect(originOf(at('writeOrBuffer', 'node:internal/streams/writable'))).toBe('node streams');
    expect(originOf(at('writev', ''))).toBe('socket writes (native, mostly kernel)');
    expect(originOf(at('(garbage collector)', ''))).toBe('(garbage collector)');
  });
});
