/** A bounded pool: runs `fn` over items with at most `concurrency` in flight, results in input order. */

/** Options of runPool. */
export interface PoolOptions {
  concurrency: number;
  /** Checked before each item starts; true stops scheduling (items in flight finish). */
  stopped?: () => boolean;
}

/**
 * Runs `fn` on every item, at most `concurrency` at a time. `fn` must not throw (wrap failures in its
 * result); items not started because `stopped()` turned true are `undefined` in the result.
 */
export async function runPool<T, R>(items: readonly T[], fn: (item: T, index: number) => Promise<R>, opts: PoolOptions): Promise<(R | undefined)[]> {
  const out: (R | undefined)[] = new Array<R | undefined>(items.length).fill(undefined);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length && !(opts.stopped?.() ?? false)) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  const n = Math.max(1, Math.min(opts.concurrency, items.length));
  await Promise.all(Array.from({ length: n }, lane));
  return out;
}
