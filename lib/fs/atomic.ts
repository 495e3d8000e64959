/**
 * Writes a file all at once or not at all: the text goes to `<path>.tmp`
 * beside it, which is then renamed over `path` (atomic on one file system).
 * When anything fails the temporary file is removed and `path` is untouched.
 * A task using this declares `<path>` and `<path>.tmp` as read and write paths.
 *
 * @param path Absolute path of the file.
 * @param text Its new content.
 */
export async function writeTextFileAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  try {
    await Deno.writeTextFile(tmp, text);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}
