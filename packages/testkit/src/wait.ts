/** Deadline-based waiting instead of sleeps (docs/architecture.md: the test kit as a product). */
export async function waitUntil<T>(
  fn: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(
        `waitUntil: ${opts.what ?? 'condition'} not met within ${opts.timeoutMs ?? 10_000} ms${last ? ` (last error: ${(last as Error).message})` : ''}`,
      );
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
  }
}
