/** Options of {@linkcode writeTextFileAtomic}. */
export interface AtomicWriteOptions {
  /** fsync the temporary file before the rename, so the new content survives a power loss. */
  durable?: boolean;
}

/**
 * Writes a file all at once or not at all: the text goes to `<path>.tmp`
 * beside it, which is then renamed over `path` (atomic on one file system).
 * When anything fails the temporary file is removed and `path` is untouched.
 * A task using this declares `<path>` and `<path>.tmp` as read and write paths.
 *
 * @param path Absolute path of the file.
 * @param text Its new content.
 * @param options `durable`: fsync before the rename.
 */
export async function writeTextFileAtomic(
  path: string,
  text: string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const tmp = `${path}.tmp`;
  try {
    await Deno.writeTextFile(tmp, text);
    if (options.durable) {
      const file = await Deno.open(tmp, { read: true, write: true });
      try {
        await file.sync();
      } finally {
        file.close();
      }
    }
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}
