import { describeScope } from "../task/scope.ts";
import type { PermissionLists as Permissions } from "../task/scope.ts";
import { type CliContext, type GlobalFlags, printResult } from "./_context.ts";
import { table } from "../reporter/table.ts";
import { problemLine } from "./_invocation.ts";

/** `wst list`: every task with its source and description; problems with local modules. */
export function listCommand(this: CliContext, _flags: GlobalFlags): void {
  const { tasks, problems } = this.registry;
  const value = {
    tasks: tasks.map((t) => ({
      name: t.name,
      description: t.description,
      source: t.source,
      file: t.file,
      permissions: t.permissions,
    })),
    problems,
  };
  const text = table(
    ["TASK", "SOURCE", "DESCRIPTION"],
    tasks.map((t) => [t.name, t.source, t.description]),
  );
  for (const p of problems) this.reporter.warn(problemLine(p));
  printResult(this, value, text);
}

/** What `wst describe <task> [args…]` computed for the arguments it was given. */
export interface DescribedRun {
  /** The raw arguments, path arguments resolved, as a run gets them. */
  readonly args: Record<string, unknown>;
  /** The permissions a run with these arguments gets. */
  readonly permissions: Permissions;
}

/**
 * `wst describe <task> [args…]`: arguments as JSON Schema and declared
 * permissions; given the task's arguments, the permissions a run with those
 * arguments gets.
 */
export function describeCommand(
  this: CliContext,
  _flags: GlobalFlags,
  name: string,
  given?: DescribedRun,
): void {
  const entry = this.registry.tasks.find((t) => t.name === name)!;
  const value = {
    name: entry.name,
    description: entry.description,
    source: entry.source,
    file: entry.file,
    args: entry.argsSchema,
    permissions: entry.permissions ?? "computed from the arguments",
    ...(entry.defaultPermissions ? { defaultPermissions: entry.defaultPermissions } : {}),
    ...(given ? { run: { args: given.args, permissions: given.permissions } } : {}),
  };
  const properties = (entry.argsSchema.properties ?? {}) as Record<
    string,
    { description?: string }
  >;
  const lines = [
    `${entry.name}: ${entry.description}`,
    `source: ${entry.source} (${entry.file})`,
    `permissions: ${
      entry.permissions
        ? describeScope(entry.permissions)
        : `computed from the arguments${
          entry.defaultPermissions
            ? ` (without arguments: ${describeScope(entry.defaultPermissions)})`
            : ""
        }`
    }`,
    ...(given
      ? [
        `permissions of a run with ${JSON.stringify(given.args)}: ${
          describeScope(given.permissions)
        }`,
      ]
      : []),
    "arguments:",
    ...Object.entries(properties).map(([key, prop]) => `  ${key}: ${prop.description ?? ""}`),
  ];
  printResult(this, value, lines.join("\n"));
}
