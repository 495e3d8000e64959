// The module files of a `.wst/` folder: what loading a local task module may read
// (lib/sandbox/host.ts grants them one by one) and what the registry cache
// fingerprints (lib/registry/_cache.ts). One walk, so the two never disagree.
import { SEP } from "../_path.ts";

/** What a module graph can hold: code and JSON. */
export const MODULE_FILE = /\.(?:[cm]?[jt]s|[jt]sx|json)$/;
/** At most this many files of a `.wst/` folder are taken. */
export const MAX_MODULE_FILES = 2_000;

/**
 * The regular module files under a folder, symbolic links not followed, its
 * `cache/` sub-folder left out; an unreadable folder is skipped (its modules
 * then fail to load, with Deno's message).
 *
 * @param folder Absolute path of a `.wst/` folder.
 * @returns Absolute paths, in the order the walk met them.
 */
export function listModuleFiles(folder: string): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch {
      return;
    }
    for (const entry of entries) {
      if (files.length >= MAX_MODULE_FILES) return;
      const path = `${dir}${SEP}${entry.name}`;
      if (entry.isDirectory && !(dir === folder && entry.name === "cache")) walk(path);
      else if (entry.isFile && MODULE_FILE.test(entry.name)) files.push(path);
    }
  };
  walk(folder);
  return files;
}
