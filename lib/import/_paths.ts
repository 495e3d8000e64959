// Posix-style relative paths between folders of the import root (both absolute).
import { resolvePath } from "../_path.ts";

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
