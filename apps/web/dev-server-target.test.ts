import { describe, expect, it } from 'vitest';
import { resolveDevServerTarget } from './dev-server-target.js';

describe('resolveDevServerTarget', () => {
  it('targets the server npm run dev starts on its default address', () => {
    expect(resolveDevServerTarget({})).toBe('http://127.0.0.1:8080');
  });

  it('follows PORT and HOST, as the server does', () => {
    expect(resolveDevServerTarget({ PORT: '28997' })).toBe('http://127.0.0.1:28997');
    expect(resolveDevServerTarget({ PORT: '9000', HOST: 'localhost' })).toBe(
      'http://localhost:9000',
    );
  });

  it('reaches a server bound to every interface over loopback', () => {
    expect(resolveDevServerTarget({ HOST: '0.0.0.0', PORT: '9000' })).toBe('http://127.0.0.1:9000');
    expect(resolveDevServerTarget({ HOST: '::', PORT: '9000' })).toBe('http://[::1]:9000');
  });

  it('lets DRAFTBRIDGE_SERVER win', () => {
    expect(
      resolveDevServerTarget({ DRAFTBRIDGE_SERVER: 'http://10.0.0.5:8080', PORT: '9000' }),
    ).toBe('http://10.0.0.5:8080');
  });

  it('treats empty variables as unset', () => {
    expect(resolveDevServerTarget({ DRAFTBRIDGE_SERVER: ' ', PORT: '', HOST: '' })).toBe(
      'http://127.0.0.1:8080',
    );
  });

  it('refuses PORT=0, whose port the proxy cannot know', () => {
    expect(() => resolveDevServerTarget({ PORT: '0' })).toThrow(/PORT=0.*DRAFTBRIDGE_SERVER/);
  });
});
