import { describe, expect, it } from 'vitest';
import {
  createEndpointUrl,
  createRelayPath,
  DIRECT_PATH,
  parseChatPath,
  serializeChatPath,
} from './chat-path.js';

describe('chat path', () => {
  it('builds the endpoint URLs of the contract', () => {
    const page = { protocol: 'http:', host: '127.0.0.1:8080' };
    expect(createEndpointUrl(DIRECT_PATH, page)).toBe('ws://127.0.0.1:8080/ws');
    expect(createEndpointUrl(createRelayPath('75', false), page)).toBe(
      'ws://127.0.0.1:8080/relay?draft=75',
    );
    expect(createEndpointUrl(createRelayPath('76'), { ...page, protocol: 'https:' })).toBe(
      'wss://127.0.0.1:8080/relay?draft=76&trace=1',
    );
  });

  it('round-trips through storage and falls back to direct', () => {
    for (const path of [DIRECT_PATH, createRelayPath('76'), createRelayPath('75')]) {
      expect(parseChatPath(serializeChatPath(path))).toEqual(path);
    }
    expect(parseChatPath('relay-77')).toEqual(DIRECT_PATH);
    expect(parseChatPath(null)).toEqual(DIRECT_PATH);
  });
});
