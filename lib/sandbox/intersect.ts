// The permissions of a task started with ctx.runTask: what both it and its caller may do.
// Kept free of zod: the host applies it on every subtask.
import { resolvePath, SEP } from "../_path.ts";
import type { PermissionLists } from "../task/scope.ts";
import { expandEnvPath } from "./worker_permissions.ts";

/** A task's declared permissions and the root its relative paths are relative to. */
export interface RootedPermissions {
  /** The declared permissions. */
  readonly permissions: PermissionLists;
  /** Absolute root the relative read and write paths resolve against. */
  readonly root: string;
}

/**
 * The permissions a task started with `ctx.runTask` runs with: the
 * intersection of its own and its caller's, so that a caller cannot widen
 * its reach through a task whose permissions it chooses (by its arguments or
 * its root).
 *
 * - `read`, `write`: a path is kept when it is inside a path of both lists
 *   (the narrower of two nested paths); relative paths resolve against each
 *   task's own root, and `$NAME` paths start with the env var's value (left
 *   out when it is unset), so the result is absolute.
 * - `run`, `env`: names in both lists.
 * - `net`: hosts in both lists; `host` covers `host:port`, `*` covers every host.
 * - `interactive`: only when both are.
 * - `tasks`: names in both lists (a subtask starts only what its caller could).
 *
 * @param sub The started task's permissions and root.
 * @param caller The caller's permissions and root.
 * @param options Reads an env var (for `$NAME` paths); defaults to the process's.
 * @returns Permissions no wider than either; empty lists are left out.
 */
export function intersectPermissions(
  sub: RootedPermissions,
  caller: RootedPermissions,
  options: { getEnv?: (name: string) => string | undefined } = {},
): PermissionLists {
  const getEnv = options.getEnv ?? ((name: string) => Deno.env.get(name));
  const absolute = (task: RootedPermissions, kind: "read" | "write") =>
    (task.permissions[kind] ?? []).flatMap((path) => {
      const expanded = expandEnvPath(path, getEnv);
      return expanded === undefined ? [] : [resolvePath(task.root, expanded)];
    });
  const result: PermissionLists = {};
  const set = (kind: Exclude<keyof PermissionLists, "interactive">, values: string[]) => {
    if (values.length > 0) result[kind] = values;
  };
  for (const kind of ["read", "write"] as const) {
    set(kind, intersectPaths(absolute(sub, kind), absolute(caller, kind)));
  }
  for (const kind of ["run", "env", "tasks"] as const) {
    const theirs = new Set(caller.permissions[kind] ?? []);
    set(kind, unique((sub.permissions[kind] ?? []).filter((v) => theirs.has(v))));
  }
  set("net", intersectHosts(sub.permissions.net ?? [], caller.permissions.net ?? []));
  if (sub.permissions.interactive === true && caller.permissions.interactive === true) {
    result.interactive = true;
  }
  return result;
}

/** Whether `path` is `folder` or inside it. */
export function isInside(path: string, folder: string): boolean {
  if (path === folder) return true;
  const prefix = folder.endsWith(SEP) ? folder : `${folder}${SEP}`;
  return path.startsWith(prefix);
}

function intersectPaths(mine: string[], theirs: string[]): string[] {
  const kept: string[] = [];
  for (const a of mine) {
    for (const b of theirs) {
      if (isInside(a, b)) kept.push(a);
      else if (isInside(b, a)) kept.push(b);
    }
  }
  return unique(kept);
}

function intersectHosts(mine: readonly string[], theirs: readonly string[]): string[] {
  const covers = (host: string, by: string) =>
    by === "*" || host === by || host.startsWith(`${by}:`);
  const kept: string[] = [];
  for (const a of mine) {
    for (const b of theirs) {
      if (covers(a, b)) kept.push(a);
      else if (covers(b, a)) kept.push(b);
    }
  }
  return unique(kept);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
