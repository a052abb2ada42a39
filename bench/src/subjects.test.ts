import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BASELINE_ENTRY_VARIABLE,
  DRAFTBRIDGE_ENTRY,
  draftbridgeBaselineSubject,
  probeChatSubject,
} from './subjects.js';

describe('draftbridge-baseline', () => {
  it('runs the build it is given from that build root, with the bench settings', () => {
    const entry = '/tmp/before/apps/server/dist/index.js';
    const subject = draftbridgeBaselineSubject(entry);
    expect(subject.name).toBe('draftbridge-baseline');
    expect(subject.launch.args).toEqual([entry]);
    expect(subject.launch.cwd).toBe(path.resolve('/tmp/before'));
    expect(subject.launch.env).toMatchObject({ REDIS_URL: '', LOG_LEVEL: 'warn' });
    expect(subject.instances).toBe(1);
  });

  it('is skipped with the reason when no build is named', async () => {
    const probe = await probeChatSubject(draftbridgeBaselineSubject(undefined));
    expect(probe).toEqual({
      ok: false,
      reason: expect.stringContaining(BASELINE_ENTRY_VARIABLE),
    });
    const missing = await probeChatSubject(
      draftbridgeBaselineSubject(path.join(path.dirname(DRAFTBRIDGE_ENTRY), 'missing.js')),
    );
    expect(missing.ok).toBe(false);
  });
});
