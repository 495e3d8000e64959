/**
 * Runs `work` over `items` with at most `jobs` at a time, in order of the
 * items. After `stop()` (or an aborted signal) no new item starts; the ones
 * running finish.
 *
 * @param items The work items.
 * @param options Parallelism, the work, and an abort signal.
 * @returns Each item's result, or `undefined` for items never started.
 */
export async function runPool<T, R>(
  items: readonly T[],
  options: {
    jobs: number;
    work: (item: T, index: number, stop: () => void) => Promise<R>;
    signal?: AbortSignal;
  },
): Promise<Array<R | undefined>> {
  const results: Array<R | undefined> = new Array(items.length).fill(undefined);
  let next = 0;
  let stopped = false;
  const stop = () => {
    stopped = true;
  };
  const worker = async () => {
    while (!stopped && !options.signal?.aborted && next < items.length) {
      const index = next++;
      results[index] = await options.work(items[index]!, index, stop);
    }
  };
  const jobs = Math.max(1, Math.min(options.jobs, items.length));
  await Promise.all(Array.from({ length: jobs }, worker));
  return results;
}
