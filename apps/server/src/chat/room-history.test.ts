import { describe, expect, it } from 'vitest';
import { createRoomHistory, type RetainedMessage } from './room-history.js';

const message = (seq: number, client = 'c', id = `m${seq}`): RetainedMessage => ({
  seq,
  client,
  id,
  text: `{"seq":${seq}}`,
});

describe('createRoomHistory', () => {
  it('keeps the latest messages in order as the ring wraps', () => {
    const history = createRoomHistory(3);
    for (let seq = 1; seq <= 7; seq += 1) history.append(message(seq));
    expect(history.size).toBe(3);
    expect(history.latest(10)).toEqual(['{"seq":5}', '{"seq":6}', '{"seq":7}']);
    expect(history.latest(2)).toEqual(['{"seq":6}', '{"seq":7}']);
    expect(history.latest(0)).toEqual([]);
  });

  it('slices after a seq and says when the slice no longer reaches back', () => {
    const history = createRoomHistory(3);
    for (let seq = 1; seq <= 7; seq += 1) history.append(message(seq));
    expect(history.after(5, 7)).toEqual({ texts: ['{"seq":6}', '{"seq":7}'], truncated: false });
    expect(history.after(4, 7).truncated).toBe(false);
    expect(history.after(3, 7)).toEqual({
      texts: ['{"seq":5}', '{"seq":6}', '{"seq":7}'],
      truncated: true,
    });
    expect(history.after(7, 7)).toEqual({ texts: [], truncated: false });
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
