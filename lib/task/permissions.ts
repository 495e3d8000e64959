import * as z from "zod";
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
export const permissionsSchema: z.ZodType<PermissionLists> = z.lazy(() =>
  z.strictObject({
    read: z.array(z.string().min(1)).optional().describe(
      "Files and folders the task may read, relative to the workspace root ($NAME: an env var's value)",
    ),
    write: z.array(z.string().min(1)).optional().describe(
      "Files and folders the task may write, relative to the workspace root ($NAME: an env var's value)",
    ),
    run: z.array(z.string().min(1)).optional().describe("Binaries the task may run"),
    env: z.array(z.string().min(1)).optional().describe("Environment variables the task may read"),
    net: z.array(z.string().min(1)).optional().describe(
      "Hosts (host or host:port) the task may connect to",
    ),
    tasks: z.array(z.string().min(1)).optional().describe(
      "Tasks this task may start with ctx.runTask, each in its own sandbox",
    ),
  })
);

/** The permissions a task declares. See {@linkcode permissionsSchema}. */
export type Permissions = PermissionLists;
