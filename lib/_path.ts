// Minimal path helpers for the start-up path. `node:path` costs ~15 ms of
// Node-compat start-up in Deno, which the `wst list` budget cannot pay
// (see docs/adr/0001-npm-instead-of-jsr.md).

const isWindows = Deno.build.os === "windows";

/** The platform's path separator. */
export const SEP: string = isWindows ? "\\" : "/";

/** Whether `path` is absolute on this platform. */
export function isAbsolute(path: string): boolean {
  return isWindows ? /^(?:[a-zA-Z]:[\\/]|[\\/]{2})/.test(path) : path.startsWith("/");
}

/** Resolves `path` against `base` (absolute), folding `.` and `..` segments. */
export function resolvePath(base: string, path: string): string {
  const joined = isAbsolute(path) ? path : `${base}${SEP}${path}`;
  const parts = joined.split(/[\\/]+/);
  const head = parts.shift() ?? "";
  const out: string[] = [];
  for (const part of parts) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return `${head}${SEP}${out.join(SEP)}`;
}

/** `path` relative to `base` when inside it, else `path` unchanged. */
export function relativeTo(base: string, path: string): string {
  const prefix = base.endsWith(SEP) ? base : `${base}${SEP}`;
  if (path === base || `${path}${SEP}` === prefix) return ".";
  return path.startsWith(prefix) ? path.slice(prefix.length) : path;
}

/**
 * The real path of `path` (links followed), or, when it does not exist yet,
 * the real path of its deepest existing ancestor with the rest appended.
 *
 * @param path An absolute path.
 * @returns The real path.
 * @throws {Deno.errors.PermissionDenied} And any other error than a missing path.
 */
export function realPathOfNearest(path: string): string {
  const rest: string[] = [];
  let current = path;
  for (;;) {
    try {
      const real = Deno.realPathSync(current);
      return rest.length === 0 ? real : resolvePath(real, rest.join(SEP));
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory)) {
        throw err;
      }
    }
    const cut = current.lastIndexOf(SEP);
    if (cut <= 0) return path;
    rest.unshift(current.slice(cut + 1));
    current = current.slice(0, cut);
  }
}
