/**
 * Runs `count` tasks with at most `limit` in flight: how thousands of connections are opened
 * without overflowing the server's listen backlog, the same way for every subject.
 */

/** Runs task(0..count-1), `limit` at a time; settles each and keeps the order. */
export async function settleConcurrently<T>(
  count: number,
  limit: number,
  task: (index: number) => Promise<T>,
): Promise<PromiseSettledResult<T>[]> {
  const results: PromiseSettledResult<T>[] = new Array(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next;
      next += 1;
      try {
        results[index] = { status: 'fulfilled', value: await task(index) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

/** The fulfilled values; throws the first rejection's reason, naming how many failed. */
export function fulfilledOrThrow<T>(results: readonly PromiseSettledResult<T>[]): T[] {
  const values: T[] = [];
  let failed = 0;
  let first: unknown;
  for (const result of results) {
    if (result.status === 'fulfilled') {
      values.push(result.value);
    } else {
      failed += 1;
      first ??= result.reason;
    }
  }
  if (failed > 0) {
    const message = first instanceof Error ? first.message : String(first);
    throw new Error(`${failed} of ${results.length} connections failed; first: ${message}`);
  }
  return values;
}
