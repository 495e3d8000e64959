/**
 * The sandbox: every task runs in a Deno Worker whose permissions are exactly
 * the ones it declares, resolved against the workspace root.
 *
 * @module
 */
export { computePermissions, describeTask, runSandboxed } from "./host.ts";
export type { RunOptions, SandboxResult, TaskMeta, TaskModule } from "./host.ts";
export { findBinary, resolvePermissions } from "./worker_permissions.ts";
export type { ResolvedPermissions, ResolveOptions } from "./worker_permissions.ts";
