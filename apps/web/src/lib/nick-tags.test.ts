import { describe, expect, it } from 'vitest';
import { createMember } from '../test/fixtures.js';
import { createNickTagger } from './nick-tags.js';

const ann1 = createMember({ id: '3f2a9c10-0000-4000-8000-000000000001', nick: 'ann' });
const ann2 = createMember({ id: '8be04d77-0000-4000-8000-000000000002', nick: 'ann' });
const bob = createMember({ id: '3f2a0000-0000-4000-8000-000000000003', nick: 'bob' });

describe('createNickTagger', () => {
  it('tags nobody whose nick is unique', () => {
    const tagOf = createNickTagger([ann1, bob]);
    expect(tagOf(ann1)).toBeNull();
    expect(tagOf(bob)).toBeNull();
  });

  it('tags members who share a nick with a short prefix of their id', () => {
    const tagOf = createNickTagger([ann1, ann2, bob]);
    expect(tagOf(ann1)).toBe('3f2a');
    expect(tagOf(ann2)).toBe('8be0');
    expect(tagOf(bob)).toBeNull();
  });

  it('lengthens a tag until it is unique among the members with that nick', () => {
    const twin = createMember({ id: '3f2a9c99-0000-4000-8000-000000000004', nick: 'ann' });
    const tagOf = createNickTagger([ann1, twin]);
    expect(tagOf(ann1)).toBe('3f2a9c1');
    expect(tagOf(twin)).toBe('3f2a9c9');
  });

  it('treats nicks that differ only in case or Unicode form as the same', () => {
    const upper = createMember({ id: 'aaaa1111', nick: 'ANN' });
    const fullWidth = createMember({ id: 'bbbb2222', nick: 'ａｎｎ' });
    const tagOf = createNickTagger([ann1, upper, fullWidth]);
    expect([tagOf(ann1), tagOf(upper), tagOf(fullWidth)]).toEqual(['3f2a', 'aaaa', 'bbbb']);
  });

  it('tags a sender who has left only while two present members share the nick', () => {
    const gone = createMember({ id: 'cccc3333', nick: 'ann' });
    expect(createNickTagger([ann1, ann2])(gone)).toBe('cccc');
    // One ann present: the earlier session of the same person (a reconnect) needs no tag.
    expect(createNickTagger([ann1])(gone)).toBeNull();
  });
});
