import { describe, expect, it } from 'vitest';
import { rotate } from './rotate.js';

describe('rotate', () => {
  it('starts at the given index and wraps round, leaving the input alone', () => {
    const items = ['a', 'b', 'c'];
    expect(rotate(items, 0)).toEqual(['a', 'b', 'c']);
    expect(rotate(items, 1)).toEqual(['b', 'c', 'a']);
    expect(rotate(items, 5)).toEqual(['c', 'a', 'b']);
    expect(items).toEqual(['a', 'b', 'c']);
    expect(rotate([], 3)).toEqual([]);
  });
});
