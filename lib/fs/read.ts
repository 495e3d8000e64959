/**
 * A file's text, or null when it does not exist (any other error is thrown,
 * a sandbox refusal included).
 *
 * @param path The file.
 */
export async function readTextFileOrNull(path: string): Promise<string | null> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

/**
 * {@linkcode readTextFileOrNull}, synchronously: for the few small files a
 * task reads first thing in its worker, where the first asynchronous read
 * costs ~1 ms of cold start and blocks nothing but the task itself.
 *
 * @param path The file.
 */
export function readTextFileOrNullSync(path: string): string | null {
  try {
    return Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

/**
 * Whether something is at `path` (a dangling symlink counts); errors other
 * than "not found" are thrown, a sandbox refusal included.
 *
 * @param path The path.
 */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

/**
 * A folder's entries sorted by name (code point order); empty when the
 * folder does not exist or is not a folder.
 *
 * @param dir The folder.
 */
export async function readDirSorted(dir: string): Promise<Deno.DirEntry[]> {
  const out: Deno.DirEntry[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) out.push(entry);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) return [];
    throw err;
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
