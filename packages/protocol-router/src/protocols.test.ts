import { describe, expect, it } from 'vitest';
import { ENGINE_ADAPTERS } from './engines/index.js';
import { PROTOCOL_TABLE, PROTOCOLS, protocolOfVersion, SUPPORTED_VERSIONS } from './protocols.js';

describe('the protocol table', () => {
  it('gives the modern protocols to WebSocket-Node and the drafts to faye-websocket', () => {
    expect(PROTOCOLS.map((p) => PROTOCOL_TABLE[p].defaultEngine)).toEqual([
      'websocket',
      'websocket',
      'faye-websocket',
      'faye-websocket',
      'faye-websocket',
    ]);
  });

  it('derives the versions a 426 lists, newest first, and maps each back', () => {
    expect(SUPPORTED_VERSIONS).toEqual(['13', '8', '7']);
    expect(SUPPORTED_VERSIONS.map(protocolOfVersion)).toEqual(['rfc6455', 'hybi-08', 'hybi-07']);
    expect(protocolOfVersion('6')).toBeUndefined();
  });

  it('names a default engine that serves its protocol', () => {
    for (const protocol of PROTOCOLS) {
      const engine = PROTOCOL_TABLE[protocol].defaultEngine as keyof typeof ENGINE_ADAPTERS;
      expect(ENGINE_ADAPTERS[engine].serves).toContain(protocol);
    }
  });
});
