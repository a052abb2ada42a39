/**
 * The order in which subjects take their turns: rotated by one each repetition (the runner) or
 * each round (the capacity scenario's handshake passes), so that none is always first.
 */

/** `items` starting at index `by` (modulo their count), wrapping round. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  const shift = by % Math.max(1, items.length);
  return [...items.slice(shift), ...items.slice(0, shift)];
}
