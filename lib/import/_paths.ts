// Posix-style relative paths between folders of the import root (both absolute).
import { resolvePath } from "../_path.ts";
import { RESERVED_NAMES } from "../task/names.ts";

/**
 * The path from folder `from` to `to`, with `..` segments where needed; ""
 * for the same folder.
 *
 * @param from An absolute folder.
 * @param to An absolute path.
 * @returns The relative path, `/`-separated.
 */
export function relativePath(from: string, to: string): string {
  const a = resolvePath("/", from).split(/[\\/]+/).filter((p) => p !== "");
  const b = resolvePath("/", to).split(/[\\/]+/).filter((p) => p !== "");
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => ".."), ...b.slice(i)].join("/");
}

/**
 * Joins relative paths, folding `.` and inner `..`; "" for the folder itself.
 *
 * @param parts Relative paths ("" and "." are no-ops).
 * @returns The joined path.
 */
export function joinRelative(...parts: string[]): string {
  const out: string[] = [];
  for (const part of parts.join("/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else out.push(part);
  }
  return out.join("/");
}

/**
 * The module file name of a task: `test:changed:unit` → `test__changed__unit.ts`,
 * `build-image` → `build_image.ts`; a clash gets `_2`, `_3` ….
 *
 * @param name The task's name.
 * @param taken File names already used in the same folder (updated).
 * @returns The file name.
 */
export function moduleFileName(name: string, taken: Set<string>): string {
  const base = name.replaceAll(":", "__").replace(/[^A-Za-z0-9_]/g, "_").toLowerCase() || "task";
  let file = `${base}.ts`;
  for (let n = 2; taken.has(file); n++) file = `${base}_${n}.ts`;
  taken.add(file);
  return file;
}

/**
 * A name wst accepts for a task or a namespace: `:`-separated segments of
 * `[a-z0-9][a-z0-9_-]*` (issue #14's rule), the first not one of the CLI's
 * own commands when the name is seen from the root. Valid names come back
 * unchanged; others are lower-cased, with other characters as `-`, and a
 * reserved first segment gets `-task` (`list` → `list-task`).
 *
 * @param name The name in the source.
 * @param options `topLevel`: the name is seen from the root (not inside a namespace).
 * @returns The name to use.
 */
export function wstName(name: string, options: { topLevel: boolean }): string {
  const segments = name.split(":").map((segment) => {
    const clean = segment.toLowerCase().replace(/[^a-z0-9_-]/g, "-").replace(/^[^a-z0-9]+/, "");
    return clean === "" ? "task" : clean;
  });
  if (options.topLevel && RESERVED_NAMES.has(segments[0]!)) segments[0] = `${segments[0]}-task`;
  return segments.join(":");
}
