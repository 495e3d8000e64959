// Declared paths that a symbolic link leads out of the root. Deno checks the path a task names,
// never where a link in it leads: a declared `docs` that is a link to `/` would grant all of `/`
// under the name `docs`. A path the task declares inside its root must really be there.
import { realPathOfNearest, resolvePath } from "../_path.ts";
import type { Permissions } from "../task/permissions.ts";
import { isInside } from "./intersect.ts";
import { expandEnvPath } from "./worker_permissions.ts";

/** A declared path inside the root whose real location is outside it. */
export interface LinkedOut {
  /** `read` or `write`. */
  readonly kind: "read" | "write";
  /** The path as declared. */
  readonly declared: string;
  /** Where it really is (every symbolic link followed). */
  readonly real: string;
}

/**
 * The first declared read or write path that names a place inside the root
 * but is, through a symbolic link in it, outside the root's real folder. A
 * path that does not exist yet is judged by its nearest existing folder (a
 * write there would land where that folder leads). Paths declared outside the
 * root (absolute, `$HOME/…`) are the user's to judge and are not checked.
 *
 * Links further down inside a declared folder are not found here: Deno's
 * permission checks cannot see them, and a task's programs can create them.
 *
 * @param permissions The declared permissions.
 * @param root Absolute workspace root.
 * @param getEnv Reads an env var (for `$NAME` paths).
 * @returns The offending path, or undefined.
 */
export function linkedOutOfRoot(
  permissions: Permissions,
  root: string,
  getEnv: (name: string) => string | undefined = (name) => Deno.env.get(name),
): LinkedOut | undefined {
  let realRoot: string | undefined;
  for (const kind of ["read", "write"] as const) {
    for (const declared of permissions[kind] ?? []) {
      const expanded = expandEnvPath(declared, getEnv);
      if (expanded === undefined) continue;
      const path = resolvePath(root, expanded);
      if (!isInside(path, root)) continue;
      realRoot ??= Deno.realPathSync(root);
      const real = realPathOfNearest(path);
      if (!isInside(real, realRoot)) return { kind, declared, real };
    }
  }
  return undefined;
}
