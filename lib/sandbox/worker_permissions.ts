import { isAbsolute, resolvePath, SEP } from "../_path.ts";
import type { Permissions } from "../task/permissions.ts";

/** What the host needs to start a sandboxed worker for one task. */
export interface ResolvedPermissions {
  /** Passed to `new Worker(…, { deno: { permissions } })`; every key is explicit. */
  readonly worker: Deno.PermissionOptionsObject;
  /**
   * Declared binary → its absolute path: found on `PATH`, or, for one declared as a path, that
   * path resolved against the root even when it does not exist yet; a name not on PATH is absent.
   */
  readonly binaries: Readonly<Record<string, string>>;
  /** The environment the task's shell commands get: `PATH` plus the declared vars that are set. */
  readonly shellEnv: Readonly<Record<string, string>>;
}

/** Where to look things up; defaults to the real process. */
export interface ResolveOptions {
  /** The `PATH` to resolve binaries on. */
  path?: string;
  /** Reads an env var of the host process. */
  getEnv?: (name: string) => string | undefined;
}

/**
 * Turns a task's declared permissions into the exact permission set of its
 * worker. Paths are resolved against the workspace root; binaries are
 * resolved on `PATH`. Every permission key is listed: a key left out would be
 * inherited from the host, which runs with all permissions.
 *
 * A read or write path `$NAME` (or `$NAME/sub/path`) starts with the value of
 * the host's env var `NAME` (e.g. `$GITHUB_OUTPUT`, `$HOME/.local/bin`), and is
 * left out when that is unset.
 *
 * Besides what is declared, a task that declares binaries also gets read
 * access to each resolved binary file (so its shell can find it) and the env
 * var `NODE_V8_COVERAGE` (read by Node's `child_process`, which dax uses). A
 * binary declared as a path that does not exist yet (`.venv/bin/pip`, made by
 * an earlier step) is granted at its absolute path, so it runs once created.
 *
 * @param permissions What the task declared.
 * @param root Absolute workspace root.
 * @param options Where to look up `PATH` and env vars.
 * @returns The worker's permissions, resolved binaries and shell environment.
 */
export function resolvePermissions(
  permissions: Permissions,
  root: string,
  options: ResolveOptions = {},
): ResolvedPermissions {
  const getEnv = options.getEnv ?? ((name: string) => Deno.env.get(name));
  const pathVar = options.path ?? getEnv("PATH") ?? "";
  const run = permissions.run ?? [];
  const binaries: Record<string, string> = {};
  // A path (`.venv/bin/pip`) the task creates while it runs is granted at its absolute path: a
  // relative one would be resolved against wst's working folder, and a bare name is looked up
  // on PATH only where it exists.
  for (const name of run) {
    const found = findBinary(name, pathVar, root);
    if (found !== undefined) binaries[name] = found;
    else if (isPathLike(name)) binaries[name] = isAbsolute(name) ? name : resolvePath(root, name);
  }
  const paths = (list: readonly string[] | undefined) =>
    (list ?? []).flatMap((p) => {
      const expanded = expandEnvPath(p, getEnv);
      return expanded === undefined ? [] : [resolvePath(root, expanded)];
    });
  const read = paths(permissions.read);
  const write = paths(permissions.write);
  const env = [...(permissions.env ?? [])];
  if (run.length > 0) {
    read.push(...Object.values(binaries));
    env.push("NODE_V8_COVERAGE");
  }
  const shellEnv: Record<string, string> = { PATH: pathVar };
  for (const name of permissions.env ?? []) {
    const value = getEnv(name);
    if (value !== undefined) shellEnv[name] = value;
  }
  return {
    worker: {
      env: env.length > 0 ? env : false,
      ffi: false,
      import: false,
      // `*`: any host (the network a declared binary reaches cannot be listed; docs/adr/0009).
      net: (permissions.net ?? []).includes("*")
        ? true
        : (permissions.net ?? []).length > 0
        ? [...permissions.net!]
        : false,
      read: read.length > 0 ? read : false,
      run: run.length > 0 ? run.map((name) => binaries[name] ?? name) : false,
      sys: false,
      write: write.length > 0 ? write : false,
    },
    binaries,
    shellEnv,
  };
}

/**
 * `$NAME` or `$NAME/more` → the env var's value (then `/more`); undefined when
 * the var is unset or empty; other paths unchanged.
 */
export function expandEnvPath(
  path: string,
  getEnv: (name: string) => string | undefined,
): string | undefined {
  const match = /^\$([A-Za-z_][A-Za-z0-9_]*)(\/.*)?$/.exec(path);
  if (match === null) return path;
  const value = getEnv(match[1]!);
  return value === undefined || value === "" ? undefined : `${value}${match[2] ?? ""}`;
}

/**
 * Finds an executable on `PATH` the way a shell does.
 *
 * @param name A bare name (`git`) or a path (`./bin/tool`, `/usr/bin/git`).
 * @param pathVar The `PATH` value.
 * @param root Base for relative paths.
 * @returns The absolute path, or `undefined` when there is none.
 */
export function findBinary(name: string, pathVar: string, root: string): string | undefined {
  if (name.includes("/") || name.includes("\\")) {
    const candidate = isAbsolute(name) ? name : resolvePath(root, name);
    return isExecutable(candidate) ? candidate : undefined;
  }
  const exts = Deno.build.os === "windows" ? ["", ".exe", ".cmd", ".bat"] : [""];
  for (const dir of pathVar.split(Deno.build.os === "windows" ? ";" : ":")) {
    if (dir === "") continue;
    for (const ext of exts) {
      const candidate = `${dir}${SEP}${name}${ext}`;
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Whether a declared binary is a path (`./bin/tool`, `.venv/bin/pip`) rather than a name. */
function isPathLike(name: string): boolean {
  return name.includes("/") || name.includes("\\");
}

function isExecutable(path: string): boolean {
  try {
    const info = Deno.statSync(path);
    return info.isFile && (info.mode === null || (info.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}
