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

/** Where a text's first byte that is not UTF-8 is: 1-based line, and column in bytes. */
export interface Utf8Position {
  readonly line: number;
  readonly column: number;
}

/**
 * Decodes UTF-8 strictly: a byte that is not UTF-8 is reported with its
 * place, never replaced by U+FFFD (which would change the text silently).
 *
 * @param bytes The content.
 * @returns The text, or where the first invalid byte is.
 */
export function decodeUtf8(
  bytes: Uint8Array,
): { ok: true; text: string } | { ok: false; at: Utf8Position } {
  try {
    return { ok: true, text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    // The shortest prefix that fails: an incomplete last character does not (streaming).
    let low = 0;
    let high = bytes.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, mid + 1), {
          stream: true,
        });
        low = mid + 1;
      } catch {
        high = mid;
      }
    }
    let offset = Math.min(low, bytes.length - 1);
    // Found at a byte that ends an incomplete character: the character's first byte is the place.
    for (let back = 1; back <= 3 && offset - back >= 0; back++) {
      const byte = bytes[offset - back]!;
      if (byte >= 0xc0) {
        const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
        if (back < length) offset -= back;
        break;
      }
      if (byte < 0x80) break;
    }
    let line = 1;
    let start = 0;
    for (let i = 0; i < offset; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        start = i + 1;
      }
    }
    return { ok: false, at: { line, column: offset - start + 1 } };
  }
}
