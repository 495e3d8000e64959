import { $ZodObject } from "zod/v4/core";
import * as z from "../zod.ts";
import { ExitCode, WstError } from "../errors/mod.ts";
import type { TaskDefinition } from "./define.ts";
import { type Permissions, permissionsSchema } from "./permissions.ts";

/** A task's description as data: what `wst list` and `wst describe` show. */
export interface TaskMeta {
  name: string;
  description: string;
  /** JSON Schema (draft 2020-12) of the arguments, input side. */
  argsSchema: Record<string, unknown>;
  /** The static permissions, or `null` when they are computed from the arguments. */
  permissions: Permissions | null;
  /**
   * For permissions computed from the arguments: the ones a run with no
   * arguments gets (every argument at its default), so that such a run needs
   * no worker to compute them; `null` when an argument is required.
   */
  defaultPermissions?: Permissions | null;
}

// deno-lint-ignore no-explicit-any
type AnyTask = TaskDefinition<any, unknown>;

/**
 * Checks that a module's default export is a task definition.
 *
 * @param value What the module exports by default.
 * @returns The definition.
 * @throws {WstError} When it is not a task.
 */
export function asTaskDefinition(value: unknown): AnyTask {
  const d = value as Partial<AnyTask> | undefined | null;
  if (
    d === undefined || d === null || typeof d.name !== "string" ||
    typeof d.description !== "string" || typeof d.run !== "function" ||
    !(d.args instanceof $ZodObject)
  ) {
    throw new WstError(
      "The module does not export a task as its default export: use `export default defineTask({ … })`",
      { exitCode: ExitCode.Usage, kind: "usage" },
    );
  }
  return d as AnyTask;
}

/**
 * A task's metadata: name, description, arguments as JSON Schema, and its
 * static permissions.
 *
 * @param task The task definition.
 * @returns Plain, JSON-serialisable metadata.
 */
export function taskMeta(task: AnyTask): TaskMeta {
  return {
    name: task.name,
    description: task.description,
    argsSchema: z.toJSONSchema(task.args, { io: "input", unrepresentable: "any" }) as Record<
      string,
      unknown
    >,
    permissions: typeof task.permissions === "function"
      ? null
      : permissionsSchema.parse(task.permissions),
    ...(typeof task.permissions === "function"
      ? { defaultPermissions: defaultPermissions(task, task.permissions) }
      : {}),
  };
}

function defaultPermissions(
  task: AnyTask,
  compute: (args: unknown) => Permissions,
): Permissions | null {
  const defaults = z.safeParse(task.args, {});
  return defaults.success ? permissionsSchema.parse(compute(defaults.data)) : null;
}
