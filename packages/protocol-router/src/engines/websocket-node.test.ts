import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { libraryLoggerFor } from './websocket-node.js';

const requireFromLibrary = createRequire(createRequire(import.meta.url).resolve('websocket'));
const debug = requireFromLibrary('debug') as { enable(namespaces: string): void };

describe("WebSocket-Node's per-connection logger", () => {
  afterEach(() => debug.enable(''));

  it('is one silent logger shared by every connection while its namespace is off', () => {
    const first = libraryLoggerFor(1);
    expect(libraryLoggerFor(2)).toBe(first);
    expect(first.enabled).toBe(false);
    expect(() => first('%s', 'nothing')).not.toThrow();
  });

  it("is the library's own, one per connection, once DEBUG turns the namespace on", () => {
    debug.enable('websocket:*');
    const first = libraryLoggerFor(1);
    const second = libraryLoggerFor(2);
    expect(first).not.toBe(second);
    expect(first.enabled).toBe(true);
  });
});
