import { describe, expect, it } from 'vitest';
import { createChatMessage } from '../test/fixtures.js';
import { compareStreamSet, compareStreams } from './compare-streams.js';

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => createChatMessage(from + i));

describe('compareStreams', () => {
  it('waits while both streams are empty', () => {
    expect(compareStreams([], [])).toEqual({ kind: 'waiting' });
  });

  it('calls equal streams identical', () => {
    expect(compareStreams(range(1, 5), range(1, 5))).toEqual({
      kind: 'identical',
      count: 5,
      firstSeq: 1,
      lastSeq: 5,
    });
  });

  it('compares only the seq range both streams hold', () => {
    expect(compareStreams(range(1, 10), range(4, 10))).toMatchObject({
      kind: 'identical',
      count: 7,
      firstSeq: 4,
    });
  });

  it('says which side is catching up', () => {
    expect(compareStreams(range(1, 3), range(1, 5))).toEqual({
      kind: 'catching-up',
      behind: ['left'],
      count: 3,
    });
    expect(compareStreams(range(1, 2), [])).toMatchObject({
      kind: 'catching-up',
      behind: ['right'],
    });
  });

  it('raises a difference when one seq carries other text', () => {
    const right = range(1, 5);
    right[2] = createChatMessage(3, { text: 'tampered' });
    expect(compareStreams(range(1, 5), right)).toEqual({
      kind: 'differ',
      seq: 3,
      reason: 'mismatch',
      side: 'right',
      against: 'left',
    });
  });

  it('raises a difference when one seq carries another id or client', () => {
    const otherId = range(1, 2);
    otherId[1] = createChatMessage(2, { id: 'other' });
    expect(compareStreams(range(1, 2), otherId)).toMatchObject({ kind: 'differ', seq: 2 });
    const otherClient = range(1, 2);
    otherClient[0] = createChatMessage(1, { client: 'someone-else' });
    expect(compareStreams(otherClient, range(1, 2))).toMatchObject({ kind: 'differ', seq: 1 });
  });

  it('raises a gap when a stream skips a seq', () => {
    const right = [...range(1, 2), ...range(4, 5)];
    expect(compareStreams(range(1, 5), right)).toEqual({
      kind: 'differ',
      seq: 3,
      reason: 'gap',
      side: 'right',
      against: null,
    });
  });
});

describe('compareStreamSet', () => {
  const five = (streams: ReturnType<typeof range>[]) =>
    compareStreamSet(streams.map((stream, i) => [`p${i}`, stream] as const));

  it('calls five equal streams identical', () => {
    expect(five([range(1, 4), range(1, 4), range(1, 4), range(1, 4), range(1, 4)])).toEqual({
      kind: 'identical',
      count: 4,
      firstSeq: 1,
      lastSeq: 4,
    });
  });

  it('names every stream that is behind, the empty ones too', () => {
    expect(five([range(1, 4), range(1, 3), range(1, 4), [], range(1, 2)])).toEqual({
      kind: 'catching-up',
      behind: ['p3'],
      count: 4,
    });
    expect(five([range(1, 4), range(1, 3), range(1, 4), range(1, 4), range(1, 2)])).toEqual({
      kind: 'catching-up',
      behind: ['p1', 'p4'],
      count: 2,
    });
  });

  it('names the one stream of five that disagrees, and the one that skipped', () => {
    const tampered = range(1, 4);
    tampered[1] = createChatMessage(2, { text: 'tampered' });
    expect(five([range(1, 4), range(1, 4), range(1, 4), tampered, range(1, 4)])).toEqual({
      kind: 'differ',
      seq: 2,
      reason: 'mismatch',
      side: 'p3',
      against: 'p0',
    });
    const skipped = [...range(1, 1), ...range(3, 4)];
    expect(five([range(1, 4), range(1, 4), skipped, range(1, 4), range(1, 4)])).toMatchObject({
      kind: 'differ',
      reason: 'gap',
      seq: 2,
      side: 'p2',
    });
  });
});
