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
 * the file system. The walk never climbs into a folder that others may write
 * to (world-writable or sticky: `/tmp`, `/var/tmp`, `/dev/shm`) or that is not
 * the user's own, and takes a `.wst/` only when it is the user's own: another
 * user's `.wst/` above the folder can never become the root and replace its
 * tasks. Undefined when there is none: the caller then uses the folder itself.
 *
 * @param start An absolute, real folder.
 * @param home The user's home folder (default: `$HOME`, `%USERPROFILE%`).
 * @returns The root, or undefined.
 */
export function findRoot(
  start: string,
  home: string | undefined = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE"),
): string | undefined {
  const uid = Deno.uid();
  let outermost: string | undefined;
  let dir = start;
  for (;;) {
    if (dir !== start && (dir === home || !ownFolder(dir, uid))) return outermost;
    if (isOwnDir(`${dir}${SEP}.wst`, uid)) outermost = dir;
    if (exists(`${dir}${SEP}.git`)) return outermost;
    const cut = dir.lastIndexOf(SEP);
    if (cut < 0) return outermost;
    const parent = cut === 0 ? SEP : dir.slice(0, cut);
    if (parent === dir || /^[A-Za-z]:$/.test(parent)) return outermost;
    dir = parent;
  }
}

/** A folder the walk may climb into: the user's, and no one else may write to it. */
function ownFolder(dir: string, uid: number | null): boolean {
  if (uid === null) return true; // Windows: no owners or modes to go by
  try {
    const info = Deno.statSync(dir);
    const mode = info.mode ?? 0;
    return info.uid === uid && (mode & 0o1002) === 0;
  } catch {
    return false;
  }
}

function isOwnDir(path: string, uid: number | null): boolean {
  try {
    const info = Deno.lstatSync(path);
    return info.isDirectory && (uid === null || info.uid === uid);
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
