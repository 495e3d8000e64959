// Kept free of zod so that the CLI's start-up path can use it.

/** Declared permissions as plain data (the shape of `permissionsSchema`). */
export interface PermissionLists {
  read?: string[] | undefined;
  write?: string[] | undefined;
  run?: string[] | undefined;
  env?: string[] | undefined;
  net?: string[] | undefined;
}

/** The kinds of permission a task can declare, in display order. */
export const PERMISSION_KINDS = ["read", "write", "run", "env", "net"] as const;

/**
 * Summarises declared permissions for error messages and tables, e.g.
 * `read: [workspaces.yaml], write: none, run: none, env: none, net: none`.
 *
 * @param permissions The declared permissions.
 * @returns One line of text.
 */
export function describeScope(permissions: PermissionLists): string {
  return PERMISSION_KINDS.map((kind) => {
    const values = permissions[kind] ?? [];
    return `${kind}: ${values.length === 0 ? "none" : `[${values.join(", ")}]`}`;
  }).join(", ");
}
