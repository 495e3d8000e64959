import { SKIPPED_DIRS } from "../discovery/walk.ts";
import { sha256Hex, writeTextFileAtomic } from "../fs/mod.ts";
import type { KustomizationInputs } from "./references.ts";

/** One cached build result. */
export interface CacheEntry {
  /** Hash of the inputs, the tool and its options. */
  key: string;
  ok: boolean;
  /** kustomize's message when the build failed. */
  message: string;
  /** The tool that produced the result. */
  tool: string;
}

/** The cache file's content. */
export interface CacheFile {
  version: 1;
  /** Target path → last result. */
  entries: Record<string, CacheEntry>;
}

/** Where the validation cache lives, relative to the workspace root. */
export const CACHE_PATH = ".wst/cache/kustomize.json";

/**
 * Reads the cache; a missing, unreadable or foreign file is an empty cache
 * (it is only ever a shortcut).
 *
 * @param path Absolute path of the cache file.
 * @returns The cache.
 */
export async function readCache(path: string): Promise<CacheFile> {
  try {
    const data = JSON.parse(await Deno.readTextFile(path)) as Partial<CacheFile>;
    if (data.version === 1 && data.entries !== null && typeof data.entries === "object") {
      return { version: 1, entries: data.entries };
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotCapable) throw err;
  }
  return { version: 1, entries: {} };
}

/**
 * Writes the cache atomically: a temporary file beside it, then a rename, so
 * an interrupted run never leaves half a file.
 *
 * @param path Absolute path of the cache file.
 * @param cache The content.
 */
export async function writeCache(path: string, cache: CacheFile): Promise<void> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
  await writeTextFileAtomic(path, JSON.stringify(cache) + "\n");
}

/**
 * Hashes everything a build depends on: every file in the input folders
 * (without `.git` and `node_modules`) and every input file, by path and
 * content, plus `salt` (the tool's version and options). Any change to an
 * input changes the key.
 *
 * @param inputs The kustomization's inputs (see `kustomizationInputs`).
 * @param salt The tool label and build options.
 * @returns A hex SHA-256.
 */
export async function inputsKey(inputs: KustomizationInputs, salt: string): Promise<string> {
  const files = new Set(inputs.files);
  for (const dir of inputs.dirs) listFiles(dir, files);
  const sorted = [...files].sort();
  const digests = await Promise.all(sorted.map(async (file) => {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(file);
    } catch (err) {
      if (err instanceof Deno.errors.NotCapable) throw err;
      return "unreadable";
    }
    return await sha256Hex(bytes);
  }));
  const manifest = [salt, ...sorted.map((file, i) => `${file}\0${digests[i]}`)].join("\n");
  return await sha256Hex(new TextEncoder().encode(manifest));
}

function listFiles(dir: string, into: Set<string>): void {
  let entries: Iterable<Deno.DirEntry>;
  try {
    entries = Deno.readDirSync(dir);
  } catch (err) {
    if (err instanceof Deno.errors.NotCapable) throw err;
    into.add(`${dir}/\0unreadable`);
    return;
  }
  for (const entry of entries) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) {
      if (!SKIPPED_DIRS.has(entry.name)) listFiles(path, into);
    } else if (entry.isFile) into.add(path);
    else if (entry.isSymlink) into.add(path); // hashed through the link
  }
}
