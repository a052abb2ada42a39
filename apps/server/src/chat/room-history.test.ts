import { describe, expect, it } from 'vitest';
import { createRoomHistory, type RetainedMessage } from './room-history.js';

const message = (seq: number, client = 'c', id = `m${seq}`): RetainedMessage => ({
  seq,
  client,
  id,
  text: `{"seq":${seq}}`,
});

describe('createRoomHistory', () => {
  const all = Number.POSITIVE_INFINITY;

  it('keeps the latest messages in order as the ring wraps', () => {
    const history = createRoomHistory(3);
    let evicted = 0;
    for (let seq = 1; seq <= 7; seq += 1) evicted += history.append(message(seq));
    expect(evicted).toBe(4);
    expect(history.size).toBe(3);
    expect(history.firstSeq).toBe(5);
    expect(history.slice(0, all, 10, all).texts).toEqual(['{"seq":5}', '{"seq":6}', '{"seq":7}']);
    expect(history.slice(0, all, 2, all).texts).toEqual(['{"seq":6}', '{"seq":7}']);
    expect(history.slice(0, all, 0, all).texts).toEqual([]);
  });

  it('slices a range of seqs and says whether it holds all of it', () => {
    const history = createRoomHistory(3);
    for (let seq = 1; seq <= 7; seq += 1) history.append(message(seq));
    expect(history.slice(5, 8, all, all)).toEqual({
      texts: ['{"seq":6}', '{"seq":7}'],
      firstSeq: 6,
      whole: true,
    });
    // Seqs 4 and below are gone: the slice holds what is retained of the range.
    expect(history.slice(3, 8, all, all).firstSeq).toBe(5);
    expect(history.slice(7, 8, all, all)).toEqual({ texts: [], firstSeq: undefined, whole: true });
    expect(history.slice(0, 6, all, all).texts).toEqual(['{"seq":5}']);
  });

  it('keeps the newest of a range that fit a byte budget', () => {
    const history = createRoomHistory(100);
    for (let seq = 1; seq <= 10; seq += 1) history.append(message(seq));
    // Each text is 9 bytes ({"seq":N}) or 10 ({"seq":10}).
    const slice = history.slice(0, all, all, 30);
    expect(slice.texts).toEqual(['{"seq":8}', '{"seq":9}', '{"seq":10}']);
    expect(slice.whole).toBe(false);
    expect(slice.firstSeq).toBe(8);
  });

  it('counts the bytes it holds and gives them back as the oldest go', () => {
    const history = createRoomHistory(100);
    expect(history.bytes).toBe(0);
    history.append(message(1));
    const one = history.bytes;
    expect(one).toBeGreaterThan('{"seq":1}'.length);
    history.append(message(2));
    expect(history.bytes).toBe(2 * one);
    expect(history.dropOldest()).toBe(true);
    expect(history.bytes).toBe(one);
    expect(history.firstSeq).toBe(2);
    expect(history.find('c', 'm1')).toBeUndefined();
    expect(history.dropOldest()).toBe(true);
    expect(history.dropOldest()).toBe(false);
    expect(history.bytes).toBe(0);
    expect(history.firstSeq).toBe(3);
  });

  it('continues a seq it was created after', () => {
    const history = createRoomHistory(10, 41);
    expect(history.firstSeq).toBe(41);
    history.append(message(41));
    expect(history.slice(40, 42, all, all).texts).toEqual(['{"seq":41}']);
  });

  it('never confuses two (client, id) pairs that concatenate alike', () => {
    const history = createRoomHistory(10);
    history.append(message(1, 'ab', 'c'));
    expect(history.find('a', 'bc')).toBeUndefined();
    expect(history.find('ab', 'c')?.seq).toBe(1);
  });

  it('forgets a (client, id) exactly when its message is evicted', () => {
    const history = createRoomHistory(2);
    history.append(message(1));
    history.append(message(2));
    expect(history.find('c', 'm1')?.seq).toBe(1);
    history.append(message(3));
    expect(history.find('c', 'm1')).toBeUndefined();
    expect(history.find('c', 'm2')?.seq).toBe(2);
  });
});
