import { describe, expect, it } from 'vitest';
import { summarizeProfile } from './profile-summary.js';

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
    });
    expect(summary.samples).toBe(10);
    expect(summary.idle).toBeCloseTo(0.3);
    expect(summary.top).toEqual([
      { name: 'writev', share: 0.4 },
      { name: 'flush (dist/outbox.js:120)', share: 0.2 },
      { name: 'parse (websocket/lib/X.js:10)', share: 0.1 },
    ]);
  });
});
