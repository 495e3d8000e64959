import { UsageError } from "../errors/mod.ts";

/** One of n shards: `index` is 1-based. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Parses `--shard i/n` (1 ≤ i ≤ n).
 *
 * @throws {UsageError} When the text is not of that form.
 */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(
      `Expected --shard i/n with 1 <= i <= n (e.g. 2/4), found ${JSON.stringify(text)}`,
    );
  }
  return { index, count };
}

/**
 * The items of one shard: every n-th item of the list, starting at the
 * i-th. With the list sorted by path, n runners given 1/n … n/n split the
 * work without overlap or gaps, and each gets a fixed share.
 *
 * @param items The items, in a fixed order.
 * @param shard Which shard.
 * @returns The shard's items, in order.
 */
export function shardItems<T>(items: readonly T[], shard: Shard): T[] {
  return items.filter((_, i) => i % shard.count === shard.index - 1);
}
