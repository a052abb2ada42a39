import { describe, expect, it } from 'vitest';
import { DEFAULT_ENGINE, PROTOCOLS } from './protocols.js';

describe('DEFAULT_ENGINE', () => {
  it('gives the modern protocols to WebSocket-Node and the drafts to faye-websocket', () => {
    expect(PROTOCOLS.map((p) => DEFAULT_ENGINE[p])).toEqual([
      'websocket',
      'websocket',
      'faye-websocket',
      'faye-websocket',
      'faye-websocket',
    ]);
  });
});
