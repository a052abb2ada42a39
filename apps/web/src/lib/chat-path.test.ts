import { describe, expect, it } from 'vitest';
import {
  createEndpointUrl,
  createRelayPath,
  DIRECT_PATH,
  draftOfPath,
  parseChatPath,
  protocolOfPath,
  serializeChatPath,
} from './chat-path.js';

describe('chat path', () => {
  it('builds the endpoint URLs of the contract', () => {
    const page = { protocol: 'http:', host: '127.0.0.1:8080' };
    expect(createEndpointUrl(DIRECT_PATH, page)).toBe('ws://127.0.0.1:8080/ws');
    expect(createEndpointUrl(createRelayPath('hixie-75', false), page)).toBe(
      'ws://127.0.0.1:8080/relay?protocol=hixie-75',
    );
    expect(createEndpointUrl(createRelayPath('hixie-76'), { ...page, protocol: 'https:' })).toBe(
      'wss://127.0.0.1:8080/relay?protocol=hixie-76&trace=1',
    );
    expect(createEndpointUrl(createRelayPath('hybi-07'), page)).toBe(
      'ws://127.0.0.1:8080/relay?protocol=hybi-07&trace=1',
    );
  });

  it('round-trips through storage, reads the older draft names, and falls back to direct', () => {
    const paths = [
      DIRECT_PATH,
      createRelayPath('hixie-76'),
      createRelayPath('hixie-75'),
      createRelayPath('hybi-08'),
      createRelayPath('hybi-07'),
    ];
    for (const path of paths) expect(parseChatPath(serializeChatPath(path))).toEqual(path);
    expect(serializeChatPath(createRelayPath('hixie-76'))).toBe('relay-76');
    expect(parseChatPath('relay-75')).toEqual(createRelayPath('hixie-75'));
    expect(parseChatPath('relay-77')).toEqual(DIRECT_PATH);
    expect(parseChatPath('relay-rfc6455')).toEqual(DIRECT_PATH);
    expect(parseChatPath(null)).toEqual(DIRECT_PATH);
  });

  it('says which protocol and which toggle draft a path is', () => {
    expect(protocolOfPath(DIRECT_PATH)).toBe('rfc6455');
    expect(protocolOfPath(createRelayPath('hybi-08'))).toBe('hybi-08');
    expect(draftOfPath(createRelayPath('hixie-75'))).toBe('75');
    expect(draftOfPath(createRelayPath('hybi-08'))).toBeNull();
    expect(draftOfPath(DIRECT_PATH)).toBeNull();
  });
});
