import { describeScope } from "../task/scope.ts";
import type { PermissionLists as Permissions } from "../task/scope.ts";
import { type CliContext, type GlobalFlags, printResult, type RunContext } from "./_context.ts";
import { table } from "../reporter/table.ts";
import { flagName } from "../errors/zod_issues.ts";
import { escapeControls, problemLine, reportError } from "./_invocation.ts";
import { knownPermissions, loadRegistry, taskRoot } from "../registry/mod.ts";
import { importOwn } from "../_load.ts";

/**
 * `wst list` with nothing to parse (only global flags; `wst list <namespace>`
 * goes through the parser, which checks the namespace): loads the registry
 * (from its cache when current) and lists, without building the command tree,
 * which costs two parsed commands per task (~6 ms for 100 local tasks).
 *
 * @param context The run's context.
 * @returns The process exit code.
 */
export async function runList(context: RunContext): Promise<number> {
  try {
    const registry = await loadRegistry(context.root, { signal: context.signal, cache: "use" });
    const stdout = context.process.stdout.write;
    const stderr = context.process.stderr.write;
    const ctx = {
      ...context,
      registry,
      process: {
        stdout: { write: (text: string) => stdout(escapeControls(text)) },
        stderr: { write: (text: string) => stderr(escapeControls(text)) },
      },
    } as CliContext;
    await listCommand.call(ctx, {});
    return ctx.exit;
  } catch (err) {
    return reportError(context, err);
  }
}

/**
 * `wst list [namespace]`: every task with its source, trust state and
 * description, and a NAMESPACE column when a folder under the root
 * contributes tasks (docs/adr/0014); given a namespace, only its tasks and
 * those of the namespaces under it. Problems with local modules.
 */
export async function listCommand(
  this: CliContext,
  _flags: GlobalFlags,
  namespace?: string,
): Promise<void> {
  const { problems } = this.registry;
  const tasks = namespace === undefined
    ? this.registry.tasks
    : this.registry.tasks.filter((t) =>
      t.namespace === namespace || t.namespace.startsWith(`${namespace}:`)
    );
  // Trust is looked up (and its modules loaded) only when there is a local task: built-ins have none.
  let trust: string[] = tasks.map(() => "built-in");
  if (tasks.some((t) => t.source === "local")) {
    const { readTrustFile, trustFilePath, trustState } = await importOwn<
      typeof import("../trust/mod.ts")
    >(new URL("../trust/mod.ts", import.meta.url));
    const roots = readTrustFile(trustFilePath()).roots;
    trust = tasks.map((t) => {
      // A namespace's task is approved in its own folder.
      const root = taskRoot(this.root, t);
      return trustState(t, knownPermissions(t, false), root, roots[root]);
    });
  }
  const value = {
    tasks: tasks.map((t, i) => ({
      name: t.name,
      description: t.description,
      source: t.source,
      namespace: t.namespace,
      dir: t.dir,
      file: t.file,
      permissions: t.permissions,
      trust: trust[i],
    })),
    problems,
  };
  const namespaced = this.registry.tasks.some((t) => t.namespace !== "");
  const text = namespaced
    ? table(
      ["TASK", "NAMESPACE", "SOURCE", "TRUST", "DESCRIPTION"],
      tasks.map((t, i) => [t.name, t.namespace, t.source, trust[i]!, t.description]),
    )
    : table(
      ["TASK", "SOURCE", "TRUST", "DESCRIPTION"],
      tasks.map((t, i) => [t.name, t.source, trust[i]!, t.description]),
    );
  for (const p of problems) this.reporter.warn(problemLine(p));
  printResult(this, value, text);
}

/**
 * What `wst list <namespace>` accepts: every namespace and every prefix of
 * one (`platform` for `platform:ingress`).
 *
 * @param tasks The registry's tasks.
 * @returns The names, sorted.
 */
export function namespaceChoices(tasks: readonly { namespace: string }[]): string[] {
  const names = new Set<string>();
  for (const { namespace } of tasks) {
    const segments = namespace === "" ? [] : namespace.split(":");
    for (let i = 1; i <= segments.length; i++) names.add(segments.slice(0, i).join(":"));
  }
  return [...names].sort();
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
    namespace: entry.namespace,
    dir: entry.dir,
    file: entry.file,
    args: entry.argsSchema,
    permissions: entry.permissions ?? "computed from the arguments",
    ...(entry.defaultPermissions ? { defaultPermissions: entry.defaultPermissions } : {}),
    deps: entry.deps ?? [],
    sources: entry.sources ?? [],
    outputs: entry.outputs ?? [],

    ...(entry.dotenv ? { dotenv: entry.dotenv } : {}),
    ...(entry.envDefaults ? { envDefaults: entry.envDefaults } : {}),
    ...(given ? { run: { args: given.args, permissions: given.permissions } } : {}),
  };
  const properties = (entry.argsSchema.properties ?? {}) as Record<string, ArgumentSchema>;
  const required = new Set((entry.argsSchema.required ?? []) as string[]);
  const lines = [
    `${entry.name}: ${entry.description}`,
    `source: ${entry.source} (${entry.file})`,
    ...(entry.namespace === "" ? [] : [`namespace: ${entry.namespace} (its root: ${entry.dir})`]),
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
    ...(entry.deps?.length ? [`deps: ${entry.deps.join(", ")}`] : []),
    ...(entry.sources?.length ? [`sources: ${entry.sources.join(", ")}`] : []),
    ...(entry.outputs?.length ? [`outputs: ${entry.outputs.join(", ")}`] : []),

    ...(entry.dotenv ? [`dotenv: ${entry.dotenv.join(", ")} (declared env vars only)`] : []),
    Object.keys(properties).length === 0 ? "arguments: none" : "arguments:",
    ...Object.entries(properties).map(([key, prop]) =>
      argumentLine(key, prop, required.has(key), entry.envDefaults?.[key])
    ),
  ];
  printResult(this, value, lines.join("\n"));
}

/** The JSON Schema of one argument, as far as `describe` shows it. */
interface ArgumentSchema {
  description?: string;
  type?: string;
  enum?: unknown[];
  default?: unknown;
  items?: ArgumentSchema;
  positional?: boolean;
}

/**
 * One argument as `describe` lists it: how it is given on the command line,
 * what it takes, what it is for, and its default (or that it is required).
 */
function argumentLine(
  key: string,
  prop: ArgumentSchema,
  required: boolean,
  envDefault: string | undefined,
): string {
  const valueOf = (schema: ArgumentSchema): string =>
    schema.enum !== undefined
      ? schema.enum.map((v) => typeof v === "string" ? v : JSON.stringify(v)).join("|")
      : `<${schema.type ?? "value"}>`;
  const flag = flagName(key);
  const form = prop.positional === true
    ? `<${key}>${prop.type === "array" ? "…" : ""}`
    : prop.type === "boolean"
    ? flag
    : prop.type === "array"
    ? `${flag} ${valueOf(prop.items ?? {})}…`
    : `${flag} ${valueOf(prop)}`;
  const defaults = [
    ...(envDefault === undefined ? [] : [`$${envDefault}`]),
    // A switch is off unless given: no "(default: false)" to read.
    ...(prop.default === undefined || (prop.type === "boolean" && prop.default === false)
      ? []
      : [JSON.stringify(prop.default)]),
  ];
  const note = defaults.length > 0
    ? ` (default: ${defaults.join(", else ")})`
    : required && prop.type !== "boolean"
    ? " (required)"
    : "";
  return `  ${form}${prop.description ? `  ${prop.description}` : ""}${note}`;
}
