/** `bytes` cut into chunks of `size` (the last may be shorter), as a socket might deliver them. */
export function chunksOf(bytes: Buffer, size: number): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

/** Pushes every chunk into `push` and sums what it returns (frames completed). */
export function pushAll(push: (chunk: Buffer) => number, chunks: readonly Buffer[]): number {
  return chunks.reduce((count, chunk) => count + push(chunk), 0);
}
