import { ExitCode, UsageError } from "../errors/mod.ts";
import { knownPermissions, loadRegistry, type RegistryEntry, workerUrl } from "../registry/mod.ts";
import type { Reporter } from "../reporter/mod.ts";
import {
  computePermissions,
  runSandboxed,
  type SandboxResult,
  type SubtaskRequest,
} from "../sandbox/host.ts";
import { relativeTo, resolvePath } from "../_path.ts";
import { printResult, type RunContext } from "./_context.ts";
import { prefixed } from "./_invocation.ts";

/**
 * Runs one task from the CLI: resolves the path arguments the user gave,
 * works out the task's permissions (static, or computed in a worker with
 * none), runs it in its sandbox and prints the result.
 *
 * @param ctx The CLI context.
 * @param entry The task.
 * @param input Parsed flags and positionals (no global flags).
 */
export async function runTaskCommand(
  ctx: RunContext,
  entry: RegistryEntry,
  input: { flags: Record<string, unknown>; positionals: Record<string, unknown> },
): Promise<void> {
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries({ ...input.flags, ...input.positionals })) {
    if (value !== undefined) args[key] = value;
  }
  resolvePathArguments(ctx, entry, args);
  // In GitHub Actions, the task's result and its children's output on stdout are inside the
  // run's stop-commands block too (stderr's markers are written around the whole run).
  const markers = ctx.json ? undefined : ctx.stopCommands;
  if (markers !== undefined) ctx.process.stdout.write(markers.start);
  try {
    await runTask(ctx, entry, args);
  } finally {
    if (markers !== undefined) ctx.process.stdout.write(markers.end);
  }
}

async function runTask(
  ctx: RunContext,
  entry: RegistryEntry,
  args: Record<string, unknown>,
): Promise<void> {
  // A task's relative paths (`Deno.readTextFile("data.txt")`, a child's cwd) are relative to its
  // root, as its declared permissions are; under npm run and deno task the process starts in wst's
  // own folder. Every path wst itself holds is absolute by now. Only the executable does this: the
  // working folder belongs to the whole process (tests and embedders call main() in-process).
  if (ctx.chdirToRoot) Deno.chdir(ctx.root);
  ctx.reporter.debug(`running ${entry.name} (${entry.source}: ${entry.file}) in ${ctx.root}`);
  const result = await runEntry(ctx, entry, {
    root: ctx.root,
    args,
    reporter: ctx.reporter,
  });
  printResult(ctx, result.value, result.text);
  if (result.failed) ctx.exit = ExitCode.TaskFailed;
}

/**
 * Path arguments (`"format": "path"` in the argument's JSON Schema) are given
 * relative to the folder the user ran the command in; the task gets them
 * relative to its root when they are inside it, else absolute.
 */
function resolvePathArguments(
  ctx: RunContext,
  entry: RegistryEntry,
  args: Record<string, unknown>,
): void {
  const properties = (entry.argsSchema.properties ?? {}) as Record<string, { format?: string }>;
  for (const [key, value] of Object.entries(args)) {
    if (properties[key]?.format !== "path" || typeof value !== "string") continue;
    const absolute = resolvePath(ctx.base, value);
    args[key] = relativeTo(ctx.root, absolute);
  }
}

/** Runs a registry entry in its sandbox; tasks it starts with ctx.runTask run the same way. */
async function runEntry(
  ctx: RunContext,
  entry: RegistryEntry,
  options: {
    root: string;
    args: Record<string, unknown>;
    reporter: Reporter;
  },
): Promise<SandboxResult> {
  const task = { name: entry.name, url: entry.url, worker: workerUrl(entry) };
  const permissions = knownPermissions(entry, Object.keys(options.args).length > 0) ??
    await computePermissions(task, options.args, { root: options.root });
  const annotations = ctx.annotations;
  return await runSandboxed(task, {
    root: options.root,
    args: options.args,
    permissions,
    reporter: options.reporter,
    // wst's own annotations come from its own tasks only: a repository's task cannot end the
    // `::stop-commands::` block or write a command after it.
    annotate: entry.source === "built-in" && annotations !== undefined
      ? (line) => annotations.push(line)
      : undefined,
    signal: ctx.signal,
    runSubtask: async (request: SubtaskRequest) => {
      const registry = await loadRegistry(request.root, { signal: ctx.signal });
      const sub = registry.tasks.find((t) => t.name === request.name);
      if (sub === undefined) {
        const problem = registry.problems.find((p) => p.file.includes(request.name));
        throw new UsageError(
          `No task ${JSON.stringify(request.name)} in ${JSON.stringify(request.root)}${
            problem ? `: ${problem.file}: ${problem.message}` : ""
          }`,
        );
      }
      const where = relativeTo(ctx.root, request.root);
      const prefix = `[${where === "." ? request.name : `${where}:${request.name}`}] `;
      return await runEntry(ctx, sub, {
        root: request.root,
        args: request.args,
        reporter: prefixed(options.reporter, prefix),
      });
    },
  });
}
