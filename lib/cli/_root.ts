import { UsageError } from "../errors/mod.ts";
import { resolvePath, SEP } from "../_path.ts";
import type { Invocation } from "./_argv.ts";

/**
 * The workspace root: `--root <dir>` resolved against the folder the user ran
 * the command in (see `Invocation.base`); else the root found by walking up
 * from that folder ({@linkcode findRoot}); else that folder itself. Read
 * before the command line is parsed because the root decides which local
 * tasks exist.
 *
 * @param invocation The scanned command line.
 * @returns The absolute, real path of the root.
 * @throws {UsageError} When it is not a directory.
 */
export function resolveRoot(invocation: Pick<Invocation, "root" | "base">): string {
  const candidate = resolvePath(invocation.base, invocation.root ?? ".");
  let real: string;
  try {
    const info = Deno.statSync(candidate);
    if (!info.isDirectory) {
      throw new UsageError(`Cannot use root ${JSON.stringify(candidate)}: it is not a directory`);
    }
    real = Deno.realPathSync(candidate);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      throw new UsageError(`Cannot use root ${JSON.stringify(candidate)}: it does not exist`);
    }
    throw err;
  }
  return invocation.root === undefined ? findRoot(real) ?? real : real;
}

/**
 * The workspace root above a folder (docs/adr/0014): the outermost folder
 * with a `.wst/` folder from this one up to the top of its git work tree (the
 * nearest folder holding `.git`, included); outside a work tree, up to the
 * user's home folder (excluded, unless the walk starts there) or the top of
 * the file system. Undefined when there is none: the caller then uses the
 * folder itself, as before namespaces.
 *
 * @param start An absolute, real folder.
 * @param home The user's home folder (default: `$HOME`, `%USERPROFILE%`).
 * @returns The root, or undefined.
 */
export function findRoot(
  start: string,
  home: string | undefined = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE"),
): string | undefined {
  let outermost: string | undefined;
  let dir = start;
  for (;;) {
    if (dir !== start && dir === home) return outermost;
    if (isDir(`${dir}${SEP}.wst`)) outermost = dir;
    if (exists(`${dir}${SEP}.git`)) return outermost;
    const cut = dir.lastIndexOf(SEP);
    if (cut < 0) return outermost;
    const parent = cut === 0 ? SEP : dir.slice(0, cut);
    if (parent === dir || /^[A-Za-z]:$/.test(parent)) return outermost;
    dir = parent;
  }
}

function isDir(path: string): boolean {
  try {
    return Deno.lstatSync(path).isDirectory;
  } catch {
    return false;
  }
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
