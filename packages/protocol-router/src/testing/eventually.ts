/**
 * Waits for a condition that other sockets, timers or processes make true, polling every 10 ms:
 * it holds once `check()` neither throws nor returns false (a promise is awaited). Rejects with
 * the last error, or "condition not met in time", after `timeoutMs`.
 */
export async function eventually(check: () => unknown, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let failure: unknown;
    try {
      if ((await check()) !== false) return;
      failure = new Error('condition not met in time');
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) throw failure;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
