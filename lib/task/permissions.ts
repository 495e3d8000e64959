import * as z from "../zod.ts";
import type { PermissionLists } from "./scope.ts";

/**
 * What a task may touch. Paths are relative to the workspace root unless
 * absolute; binaries are names looked up on `PATH` (or absolute paths); env
 * vars are names; net hosts are `host` or `host:port`. Anything not listed is
 * refused.
 *
 * Built on first use (`z.lazy`): a task's worker only needs it to answer
 * `describe` and `permissions`, not to run.
 */
export const permissionsSchema: z.ZodMiniType<PermissionLists> = z.lazy(() => {
  const list = (description: string) =>
    z.optional(z.array(z.string().check(z.minLength(1)))).check(z.describe(description));
  return z.strictObject({
    read: list(
      "Files and folders the task may read, relative to the workspace root ($NAME: an env var's value)",
    ),
    write: list(
      "Files and folders the task may write, relative to the workspace root ($NAME: an env var's value)",
    ),
    run: list("Binaries the task may run"),
    env: list("Environment variables the task may read"),
    net: list(
      "Hosts (host or host:port) the task may connect to; * for any host (the binaries it runs reach hosts it cannot list)",
    ),
    tasks: list("Tasks this task may start with ctx.runTask, each in its own sandbox"),
    interactive: z.optional(z.boolean()).check(
      z.describe("Whether the task reads stdin (a confined run gets none otherwise)"),
    ),
  });
});

/** The permissions a task declares. See {@linkcode permissionsSchema}. */
export type Permissions = PermissionLists;
