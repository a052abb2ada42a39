import { describe, expect, it } from 'vitest';
import { diffHeap, groupHeap } from './heap-breakdown.js';

const meta = {
  node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
  node_types: [['hidden', 'object', 'closure', 'string'], 'string', 'number', 'number', 'number'],
};
const strings = ['Socket', 'onData', 'hello', 'world'];
// type, name, id, self_size, edge_count
const node = (type: number, name: number, size: number) => [type, name, 0, size, 0];

describe('groupHeap and diffHeap', () => {
  it('sums self sizes by kind and name, strings by kind, and divides growth by connections', () => {
    const before = groupHeap({
      snapshot: { meta },
      nodes: [...node(1, 0, 100), ...node(3, 2, 10)],
      strings,
    });
    const after = groupHeap({
      snapshot: { meta },
      nodes: [
        ...node(1, 0, 100),
        ...node(1, 0, 100),
        ...node(1, 0, 100),
        ...node(2, 1, 64),
        ...node(2, 1, 64),
        ...node(3, 2, 10),
        ...node(3, 3, 30),
      ],
      strings,
    });
    expect(after.get('object Socket')).toEqual({ count: 3, bytes: 300 });
    expect(after.get('string')).toEqual({ count: 2, bytes: 40 });
    expect(diffHeap(before, after, 2)).toEqual([
      { key: 'object Socket', countPerConnection: 1, bytesPerConnection: 100 },
      { key: 'closure onData', countPerConnection: 1, bytesPerConnection: 64 },
      { key: 'string', countPerConnection: 0.5, bytesPerConnection: 15 },
    ]);
  });
});
