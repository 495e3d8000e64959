import { ExitCode, InterruptedError, UsageError } from "../errors/mod.ts";
import { type ConfineMode, confineMode } from "../sandbox/confine.ts";
import { knownPermissions, loadRegistry, type RegistryEntry, workerUrl } from "../registry/mod.ts";
import type { Reporter } from "../reporter/mod.ts";
import {
  computePermissions,
  runSandboxed,
  type SandboxResult,
  type SubtaskRequest,
} from "../sandbox/host.ts";
import { intersectPermissions } from "../sandbox/intersect.ts";
import { relativeTo, resolvePath } from "../_path.ts";
import type { Permissions } from "../task/permissions.ts";
import { describeScope } from "../task/scope.ts";
import { printResult, type RunContext } from "./_context.ts";
import { prefixed, reportError } from "./_invocation.ts";

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
  input: TaskInput,
): Promise<void> {
  const args = taskArguments(ctx, entry, input);
  // In GitHub Actions, the task's result and its children's output on stdout are inside the
  // run's stop-commands block too. The block ends once, at the very end of the run (runInvocation),
  // after any error: an end marker here would end it for stderr as well (the runner's state is one).
  const markers = ctx.json ? undefined : ctx.stopCommands;
  if (markers !== undefined && markers.stdout !== true) {
    ctx.process.stdout.write(markers.start);
    markers.stdout = true;
  }
  if (ctx.watch !== true) {
    await runTask(ctx, entry, args);
    return;
  }
  if (ctx.json) {
    throw new UsageError("--watch cannot be used with --json: a watch prints one result per run");
  }
  await watchTask(ctx, entry, args);
}

/**
 * `--watch`: runs the task, then again whenever its sources change (lib/watch),
 * each run's errors reported without ending the watch; Ctrl-C ends it (exit 130).
 */
async function watchTask(
  ctx: RunContext,
  entry: RegistryEntry,
  args: Record<string, unknown>,
): Promise<void> {
  const { watchRuns } = await import("../watch/mod.ts");
  // `sources`, `outputs` and a namespaced task's own folder (`dir`) come with issue #14's graph
  // and namespaces; a registry without them watches the whole root.
  const declared = entry as unknown as { sources?: unknown; outputs?: unknown; dir?: unknown };
  const globs = (value: unknown) =>
    Array.isArray(value) && value.every((v) => typeof v === "string") ? value : undefined;
  const dir = typeof declared.dir === "string" && declared.dir !== "" ? declared.dir : undefined;
  const root = dir === undefined ? ctx.root : resolvePath(ctx.root, dir);
  // A local task's own module is watched too: editing the task reruns it.
  const module = entry.source === "local"
    ? relativeTo(root, resolvePath(ctx.root, entry.file))
    : "";
  await watchRuns({
    root,
    also: module === "" || module.startsWith("/") ? [] : [module],
    sources: globs(declared.sources),
    outputs: globs(declared.outputs),
    signal: ctx.signal,
    reporter: ctx.reporter,
    task: entry.name,
    run: async (signal) => {
      try {
        await runTask({ ...ctx, signal }, entry, args);
      } catch (err) {
        // Aborted for a rerun: the watch says so itself.
        if (signal.aborted && !ctx.signal.aborted) return;
        if (!ctx.signal.aborted) reportError(ctx, err);
      }
    },
  });
  throw new InterruptedError(`Stopped watching task ${JSON.stringify(entry.name)}`);
}

async function runTask(
  ctx: RunContext,
  entry: RegistryEntry,
  args: Record<string, unknown>,
): Promise<void> {
  const confine = confineMode(ctx.confine);
  if (typeof confine !== "string") throw new UsageError(confine.error);
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
    confine,
  });
  printResult(ctx, result.value, result.text);
  if (result.failed) ctx.exit = ExitCode.TaskFailed;
}

/** A task's flags and positionals as the parser gave them (no global flags). */
export interface TaskInput {
  flags: Record<string, unknown>;
  positionals: Record<string, unknown>;
}

/**
 * The raw arguments a run gets from the command line: flags and positionals
 * that were given, path arguments resolved (see below).
 *
 * @param ctx The CLI context.
 * @param entry The task.
 * @param input Parsed flags and positionals.
 * @returns The arguments, as the task's worker receives them.
 */
export function taskArguments(
  ctx: RunContext,
  entry: RegistryEntry,
  input: TaskInput,
): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries({ ...input.flags, ...input.positionals })) {
    if (value !== undefined) args[key] = value;
  }
  resolvePathArguments(ctx, entry, args);
  return args;
}

/**
 * The permissions a run of a task with these arguments gets: what `wst
 * describe <task> [args…]` prints, and what {@linkcode runTaskCommand} runs
 * with (the one function both call). Static permissions, the ones computed
 * for the defaults when no argument is given, else computed in a worker that
 * has no permissions and sees a constant world.
 *
 * @param ctx The CLI context (Ctrl-C).
 * @param entry The task.
 * @param options The task's root and raw arguments.
 * @returns The declared permissions for those arguments.
 */
export async function permissionsForRun(
  ctx: Pick<RunContext, "signal">,
  entry: RegistryEntry,
  options: { root: string; args: Record<string, unknown> },
): Promise<Permissions> {
  const task = { name: entry.name, url: entry.url, worker: workerUrl(entry) };
  return knownPermissions(entry, Object.keys(options.args).length > 0) ??
    await computePermissions(task, options.args, { root: options.root, signal: ctx.signal });
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
    /** For a task started with ctx.runTask: its caller, whose permissions bound its own. */
    caller?: { name: string; root: string; permissions: Permissions };
    confine: ConfineMode;
  },
): Promise<SandboxResult> {
  const task = { name: entry.name, url: entry.url, worker: workerUrl(entry) };
  const annotations = ctx.annotations;
  const own = await permissionsForRun(ctx, entry, options);
  // A subtask never gets more than its caller: not through its arguments, nor through its root.
  const caller = options.caller;
  const permissions = caller === undefined
    ? own
    : intersectPermissions({ permissions: own, root: options.root }, caller);
  if (caller !== undefined) {
    ctx.reporter.debug(`${entry.name}: its own permissions are ${describeScope(own)}`);
  }
  ctx.reporter.debug(`${entry.name} runs with ${describeScope(permissions)}`);
  if (entry.source === "local") {
    // Loaded only here: a built-in task never needs the user's approval.
    const { ensureTrusted } = await import("../trust/mod.ts");
    await ensureTrusted(entry, permissions, options.root, {
      trusted: ctx.trusted === true,
      approvable: knownPermissions(entry, false),
    });
  }
  return await runSandboxed(task, {
    root: options.root,
    args: options.args,
    permissions,
    caller: caller?.name,
    reporter: options.reporter,
    // wst's own annotations come from its own tasks only: a repository's task cannot end the
    // `::stop-commands::` block or write a command after it.
    annotate: entry.source === "built-in" && annotations !== undefined
      ? (line) => annotations.push(line)
      : undefined,
    signal: ctx.signal,
    confine: options.confine,
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
        caller: { name: entry.name, root: options.root, permissions },
        confine: options.confine,
      });
    },
  });
}
