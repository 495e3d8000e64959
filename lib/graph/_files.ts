// The files a task's `sources` and `outputs` globs match, and the local
// modules a task module imports: what its up-to-date key hashes.
// @ts-types="@types/picomatch"
import picomatch from "picomatch";
import { SEP } from "../_path.ts";

/** Folders a glob walk never enters: a repository's history and wst's own state. */
const SKIPPED = new Set([".git"]);

/**
 * The files under `root` that match any of the globs, as paths relative to
 * `root` with `/` separators, sorted. Symbolic links are listed, never
 * followed (their target text is what a key hashes): a glob whose folder is
 * reached through a link matches nothing, as a link to a folder matches
 * nothing under it. `.git` and `.wst/cache` are never searched.
 *
 * @param root Absolute folder the globs are relative to.
 * @param globs Globs relative to it (checked: no absolute path, no `..`).
 * @returns The matching files.
 */
export async function matchFiles(root: string, globs: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const glob of globs) {
    const scan = picomatch.scan(glob);
    const isMatch = picomatch(glob, { dot: true });
    const base = scan.isGlob ? scan.base : "";
    if (!scan.isGlob) {
      // A plain path: the file itself, or every file under the folder it names.
      const info = await lstatInside(root, glob.replace(/\/+$/, ""));
      if (info === undefined) continue;
      if (!info.isDirectory) {
        found.add(glob.replace(/\/+$/, ""));
        continue;
      }
      await walk(root, glob.replace(/\/+$/, ""), () => true, found);
      continue;
    }
    if (base !== "" && !(await lstatInside(root, base))?.isDirectory) continue;
    await walk(root, base, isMatch, found);
  }
  return [...found].sort();
}

/**
 * Whether every glob matches at least one file (a plain path: exists, file or folder).
 *
 * @param root Absolute folder the globs are relative to.
 * @param globs The outputs' globs.
 * @returns The first glob that matches nothing, or undefined when all match.
 */
export async function missingOutput(
  root: string,
  globs: readonly string[],
): Promise<string | undefined> {
  for (const glob of globs) {
    if (!picomatch.scan(glob).isGlob) {
      if (await lstatInside(root, glob.replace(/\/+$/, "")) === undefined) return glob;
      continue;
    }
    if ((await matchFiles(root, [glob])).length === 0) return glob;
  }
  return undefined;
}

async function walk(
  root: string,
  folder: string,
  isMatch: (path: string) => boolean,
  found: Set<string>,
): Promise<void> {
  const absolute = folder === "" ? root : `${root}${SEP}${folder}`;
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(absolute));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) return;
    throw err;
  }
  for (const entry of entries) {
    const path = folder === "" ? entry.name : `${folder}/${entry.name}`;
    if (entry.isDirectory) {
      if (SKIPPED.has(entry.name) || path === ".wst/cache" || path.endsWith("/.wst/cache")) {
        continue;
      }
      await walk(root, path, isMatch, found);
    } else if (isMatch(path)) {
      found.add(path);
    }
  }
}

/**
 * What `rel` is under `root`, without following a symbolic link on the way:
 * undefined when it does not exist or a folder on its path is a link (the
 * path then leaves the root, or may). The last component may be a link.
 */
async function lstatInside(root: string, rel: string): Promise<Deno.FileInfo | undefined> {
  let path = root;
  let info: Deno.FileInfo | undefined;
  for (const part of rel.split("/")) {
    if (part === "" || part === ".") continue;
    if (info?.isSymlink) return undefined;
    path = `${path}${SEP}${part}`;
    try {
      info = await Deno.lstat(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
        return undefined;
      }
      throw err;
    }
  }
  return info ?? await Deno.lstat(root);
}

/** Static imports and re-exports, side-effect imports and literal dynamic imports. */
const IMPORT =
  /(?:\bimport|\bexport)\s*(?:type\s+)?(?:[\w*{}\s,$]+?\s*from\s*)?["']([^"'\n]+)["']|\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)/g;

/**
 * A task module and the local modules it imports, transitively: relative
 * specifiers (`./x.ts`, `../lib/y.ts`) that resolve inside `boundary`. Other
 * specifiers (`npm:`, `@wst/wst`, a bare name of an import map) are pinned by
 * a lock, not followed. A specifier in a comment is followed too: that only
 * makes the key cover a file more.
 *
 * @param module Absolute path of the task's module.
 * @param boundary Absolute folder no followed import may leave (the workspace root).
 * @returns Absolute paths, the module first, each once.
 */
export async function localModuleGraph(module: string, boundary: string): Promise<string[]> {
  const seen: string[] = [];
  const queue = [module];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.includes(file)) continue;
    seen.push(file);
    let text: string;
    try {
      text = await Deno.readTextFile(file);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) continue;
      throw err;
    }
    if (!/\.[cm]?[jt]sx?$/.test(file)) continue; // JSON: no imports
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2]!;
      if (!specifier.startsWith("./") && !specifier.startsWith("../")) continue;
      const target = decodeURIComponent(new URL(specifier, `file://${file}`).pathname);
      if (target === boundary || target.startsWith(`${boundary}${SEP}`)) queue.push(target);
    }
  }
  return seen;
}
