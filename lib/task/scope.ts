// Kept free of zod so that the CLI's start-up path can use it.

/**
 * What a task may touch; anything not listed is refused. The zod schema
 * `permissionsSchema` validates this shape (and the compiler checks the two agree).
 */
export interface PermissionLists {
  /** Files and folders the task may read, relative to the workspace root unless absolute. */
  read?: string[] | undefined;
  /** Files and folders the task may write, relative to the workspace root unless absolute. */
  write?: string[] | undefined;
  /** Binaries the task may run: names looked up on `PATH`, or paths. */
  run?: string[] | undefined;
  /** Environment variables the task may read. */
  env?: string[] | undefined;
  /** Hosts (`host` or `host:port`) the task may connect to. */
  net?: string[] | undefined;
  /**
   * Tasks this task may start with `ctx.runTask`, by name. Each runs in its own
   * sandbox with its own declared permissions, never with this task's.
   */
  tasks?: string[] | undefined;
  /**
   * Whether the task reads wst's stdin (a prompt, a pager). Without it a
   * confined run gets no stdin at all.
   */
  interactive?: boolean | undefined;
}

/** The kinds of permission a task can declare, in display order. */
export const PERMISSION_KINDS = ["read", "write", "run", "env", "net"] as const;

/** Lists of non-empty strings, and `interactive`, alone: what `permissionsSchema` takes. */
const PERMISSION_LISTS: ReadonlySet<string> = new Set([...PERMISSION_KINDS, "tasks"]);

/**
 * Why a value is not a permissions declaration, or undefined when it is one:
 * the host's check of what a task's worker says (its code shares the worker
 * runtime's realm, where `permissionsSchema` ran).
 */
export function permissionsProblem(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "not an object";
  for (const [key, field] of Object.entries(value)) {
    if (key === "interactive") {
      if (field !== undefined && typeof field !== "boolean") return "interactive: not a boolean";
    } else if (!PERMISSION_LISTS.has(key)) {
      return `unknown key ${JSON.stringify(key)}`;
    } else if (
      field !== undefined &&
      !(Array.isArray(field) && field.every((item) => typeof item === "string" && item !== ""))
    ) {
      return `${key}: not a list of names`;
    }
  }
  return undefined;
}

/**
 * Summarises declared permissions for error messages and tables, e.g.
 * `read: [workspaces.yaml], write: none, run: none, env: none, net: none`.
 *
 * @param permissions The declared permissions.
 * @returns One line of text.
 */
export function describeScope(permissions: PermissionLists): string {
  const parts = PERMISSION_KINDS.map((kind) => {
    const values = permissions[kind] ?? [];
    return `${kind}: ${values.length === 0 ? "none" : `[${values.join(", ")}]`}`;
  });
  if ((permissions.tasks ?? []).length > 0) parts.push(`tasks: [${permissions.tasks!.join(", ")}]`);
  if (permissions.interactive === true) parts.push("interactive");
  return parts.join(", ");
}
