/** Options of {@linkcode writeTextFileAtomic}. */
export interface AtomicWriteOptions {
  /**
   * fsync the temporary file before the rename and the folder after it, so
   * that the new content and its name survive a power loss. The folder is
   * synced when the task may read it (and the OS can open a folder: not on
   * Windows); otherwise only the file is.
   */
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
 * @param options `durable`: fsync the file before the rename, and its folder after.
 */
export async function writeTextFileAtomic(
  path: string,
  text: string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const tmp = `${path}.tmp`;
  try {
    await Deno.writeTextFile(tmp, text);
    if (options.durable) await syncFile(tmp);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
  if (options.durable) await syncFolderOf(path);
}

/**
 * fsyncs the folder holding `path`, so that a rename or a new entry in it is
 * on disk. Does nothing where the folder cannot be opened: outside the
 * task's read scope, or on Windows.
 *
 * @param path A file in the folder.
 */
export async function syncFolderOf(path: string): Promise<void> {
  const folder = path.slice(0, Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\"))) || "/";
  let handle: Deno.FsFile;
  try {
    handle = await Deno.open(folder, { read: true });
  } catch (err) {
    // Outside the task's read scope, or a folder the OS will not open (Windows).
    if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
      return;
    }
    throw err;
  }
  await syncAndClose(handle);
}

/**
 * fsyncs a file, so that its content is on disk (its name is not: see
 * {@linkcode syncFolderOf}).
 *
 * @param path The file.
 */
export async function syncFile(path: string): Promise<void> {
  await syncAndClose(await Deno.open(path, { read: true, write: true }));
}

async function syncAndClose(handle: Deno.FsFile): Promise<void> {
  try {
    await handle.sync();
  } finally {
    handle.close();
  }
}
