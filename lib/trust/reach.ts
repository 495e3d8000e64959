// What a task's permissions reach beyond its repository, and whether an
// approval covers it. No imports beyond lib/_path.ts: `wst list` uses this.
import { isAbsolute, realPathOfNearest, resolvePath, SEP } from "../_path.ts";
import type { PermissionLists } from "../task/scope.ts";

/** The kinds of permission that can reach beyond a repository, in display order. */
export const REACH_KINDS = ["read", "write", "run", "env", "net"] as const;

/** One kind of {@linkcode REACH_KINDS}. */
export type ReachKind = typeof REACH_KINDS[number];

/**
 * What a task's permissions reach beyond its root, per kind, normalised:
 * paths outside the root as absolute real paths (`$NAME…` and `~…` paths
 * as declared, segments folded), binaries (a path as an absolute path),
 * variable names, hosts (lower case). Kinds with nothing are absent.
 */
export type Reach = Partial<Record<ReachKind, string[]>>;

/**
 * What the given permissions reach beyond the root: every read or write path
 * that is outside it as declared (absolute, `..`, `$NAME`, `~`; a path
 * inside it that a symbolic link leads out of is refused by the sandbox
 * before the task starts, so it is not asked about), write access to the root's `.git` folder (by a write path
 * that holds it or is inside it: git runs the hooks and the programs a
 * repository's config names, so writing there reaches whatever runs git
 * later), and every `run`, `env` and `net` entry. `tasks` is not
 * part of it: a task started with `ctx.runTask` is checked for its own
 * permissions when it starts.
 *
 * @param permissions The permissions of a run.
 * @param root The task's root (absolute, real).
 * @returns The entries beyond the root; `{}` when there are none.
 */
export function reachBeyond(permissions: PermissionLists, root: string): Reach {
  const reach: Reach = {};
  const add = (kind: ReachKind, value: string) => {
    const list = reach[kind] ??= [];
    if (!list.includes(value)) list.push(value);
  };
  for (const kind of ["read", "write"] as const) {
    for (const path of permissions[kind] ?? []) {
      const outside = pathBeyond(path, root);
      if (outside !== undefined) add(kind, outside);
      else if (kind === "write" && coversGitFolder(path, root)) add(kind, `${root}${SEP}.git`);
    }
  }
  for (const name of permissions.run ?? []) {
    add("run", name.includes("/") || name.includes("\\") ? resolvePath(root, name) : name);
  }
  for (const name of permissions.env ?? []) add("env", name);
  for (const host of permissions.net ?? []) add("net", host.toLowerCase());
  for (const kind of REACH_KINDS) reach[kind]?.sort();
  return reach;
}

/** Whether a reach has nothing in it. */
export function isEmptyReach(reach: Reach): boolean {
  return REACH_KINDS.every((kind) => (reach[kind] ?? []).length === 0);
}

/**
 * The entries of `needed` that `approved` does not cover. A path is covered
 * by itself or a folder holding it (a `..` left after folding a `$NAME` or
 * `~` path is covered only by the same path); a host by itself or, for
 * `host:port`, by `host` (any port); a binary or a variable by itself, a
 * variable also by a `PREFIX*` pattern.
 *
 * @param needed What a run reaches beyond its root.
 * @param approved What the user approved (absent: nothing).
 * @returns What is not covered; `{}` when everything is.
 */
export function uncovered(needed: Reach, approved: Reach | undefined): Reach {
  const out: Reach = {};
  for (const kind of REACH_KINDS) {
    const have = approved?.[kind] ?? [];
    const missing = (needed[kind] ?? []).filter((entry) =>
      !have.some((a) => covers(kind, a, entry))
    );
    if (missing.length > 0) out[kind] = missing;
  }
  return out;
}

/**
 * Two reaches in one, for recording an approval on top of an older one.
 *
 * @param a One reach.
 * @param b The other.
 * @returns Every entry of both, sorted, without duplicates.
 */
export function mergeReach(a: Reach, b: Reach): Reach {
  const out: Reach = {};
  for (const kind of REACH_KINDS) {
    const all = [...new Set([...(a[kind] ?? []), ...(b[kind] ?? [])])].sort();
    if (all.length > 0) out[kind] = all;
  }
  return out;
}

/**
 * A reach as one line for people, every value quoted with
 * {@linkcode quoteForTerminal}: `net: ["api.example.com"], env: ["TOKEN"]`.
 *
 * @param reach The reach.
 * @returns The line; `nothing` when empty.
 */
export function describeReach(reach: Reach): string {
  const parts = REACH_KINDS.filter((kind) => (reach[kind] ?? []).length > 0).map((kind) =>
    `${kind}: [${reach[kind]!.map(quoteForTerminal).join(", ")}]`
  );
  return parts.length === 0 ? "nothing" : parts.join(", ");
}

/**
 * A value a repository controls, quoted for a terminal: JSON string quoting,
 * with C1 controls, DEL and the bidirectional overrides (which can make
 * text read differently from what it is) escaped as `\uXXXX` too. No colour
 * or control sequence survives, so a permission cannot hide itself in a
 * prompt.
 *
 * @param value The text.
 * @returns The quoted text.
 */
export function quoteForTerminal(value: string): string {
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function covers(kind: ReachKind, approved: string, entry: string): boolean {
  if (approved === entry) return true;
  switch (kind) {
    case "read":
    case "write":
      return !entry.split(/[\\/]/).includes("..") && isInside(entry, approved);
    case "net":
      return !approved.includes(":") && entry.startsWith(`${approved}:`) &&
        !entry.slice(approved.length + 1).includes(":");
    case "env":
      return approved.endsWith("*") && entry.startsWith(approved.slice(0, -1));
    default:
      return false;
  }
}

function isInside(path: string, folder: string): boolean {
  if (path === folder) return true;
  const prefix = folder.endsWith("/") || folder.endsWith(SEP) ? folder : `${folder}${SEP}`;
  return path.startsWith(prefix) || (SEP !== "/" && path.startsWith(`${folder}/`));
}

/** Whether a write path inside the root is the root's `.git` folder, inside it, or holds it. */
function coversGitFolder(path: string, root: string): boolean {
  const git = `${root}${SEP}.git`;
  const lexical = resolvePath(root, path);
  return isInside(git, lexical) || isInside(lexical, git);
}

/** A declared path, normalised, when it reaches outside the root; undefined inside. */
function pathBeyond(path: string, root: string): string | undefined {
  const variable = /^(\$[A-Za-z_][A-Za-z0-9_]*|~[^/\\]*)([\\/].*)?$/.exec(path);
  if (variable !== null) return foldSegments(variable[1]!, variable[2] ?? "");
  const lexical = resolvePath(root, path);
  // Inside the root as declared: a link in it that leads out makes the sandbox refuse the path
  // before the task starts (lib/sandbox/_scope_links.ts), so there is nothing to approve.
  if (isInside(lexical, root)) return undefined;
  let real = lexical; // unreadable: the lexical path is all we know
  try {
    real = realPathOfNearest(lexical);
  } catch { /* kept lexical */ }
  return isAbsolute(real) ? real : lexical;
}

/** `$HOME/a/../b` → `$HOME/b`; a `..` above the head is kept (`$HOME/../x`). */
function foldSegments(head: string, rest: string): string {
  const out: string[] = [];
  for (const part of rest.split(/[\\/]+/)) {
    if (part === "" || part === ".") continue;
    if (part === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
    else out.push(part);
  }
  return [head, ...out].join("/");
}
