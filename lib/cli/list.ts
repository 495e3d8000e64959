import { describeScope } from "../task/scope.ts";
import type { PermissionLists as Permissions } from "../task/scope.ts";
import { type CliContext, type GlobalFlags, printResult } from "./_context.ts";
import { table } from "../reporter/table.ts";
import { problemLine } from "./_invocation.ts";
import { knownPermissions } from "../registry/mod.ts";

/**
 * `wst list`: every task with its source, trust state and description;
 * problems with local modules.
 */
export async function listCommand(this: CliContext, _flags: GlobalFlags): Promise<void> {
  const { tasks, problems } = this.registry;
  // Trust is looked up (and its modules loaded) only when there is a local task: built-ins have none.
  let trust: string[] = tasks.map(() => "built-in");
  if (tasks.some((t) => t.source === "local")) {
    const { readTrustFile, trustFilePath, trustState } = await import("../trust/mod.ts");
    const approvals = readTrustFile(trustFilePath()).roots[this.root];
    trust = tasks.map((t) => trustState(t, knownPermissions(t, false), this.root, approvals));
  }
  const value = {
    tasks: tasks.map((t, i) => ({
      name: t.name,
      description: t.description,
      source: t.source,
      file: t.file,
      permissions: t.permissions,
      trust: trust[i],
    })),
    problems,
  };
  const text = table(
    ["TASK", "SOURCE", "TRUST", "DESCRIPTION"],
    tasks.map((t, i) => [t.name, t.source, trust[i]!, t.description]),
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
    ...(entry.dotenv ? { dotenv: entry.dotenv } : {}),
    ...(entry.envDefaults ? { envDefaults: entry.envDefaults } : {}),
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
    ...(entry.dotenv ? [`dotenv: ${entry.dotenv.join(", ")} (declared env vars only)`] : []),
    "arguments:",
    ...Object.entries(properties).map(([key, prop]) => {
      const env = entry.envDefaults?.[key];
      return `  ${key}: ${prop.description ?? ""}${env === undefined ? "" : ` (default: $${env})`}`;
    }),
  ];
  printResult(this, value, lines.join("\n"));
}
