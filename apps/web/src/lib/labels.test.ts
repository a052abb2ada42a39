import { describe, expect, it } from 'vitest';
import { createMember } from '../test/fixtures.js';
import { createRelayPath, DIRECT_PATH } from './chat-path.js';
import { formatMemberPath, formatPathIntent } from './labels.js';

describe('labels', () => {
  it('formats member badges from the contract labels', () => {
    expect(formatMemberPath(createMember())).toBe('RFC 6455 · websocket');
    expect(
      formatMemberPath(
        createMember({ protocol: 'hixie-76', engine: 'faye-websocket', relay: true }),
      ),
    ).toBe('draft-76 · faye-websocket · relay');
    expect(formatMemberPath(createMember({ protocol: 'hybi-07', engine: 'faye-websocket' }))).toBe(
      'hybi-07 · faye-websocket',
    );
  });

  it('formats a path before the server confirms it', () => {
    expect(formatPathIntent(DIRECT_PATH)).toBe('RFC 6455 · /ws');
    expect(formatPathIntent(createRelayPath('hixie-75'))).toBe('draft-75 · /relay');
  });
});
