import { ExitCode, SubtaskFailedError, UsageError, type WstError } from "../errors/mod.ts";
import { type ConfineMode, confineMode } from "../sandbox/confine.ts";
import {
  builtinTasks,
  knownPermissions,
  loadRegistry,
  type Registry,
  type RegistryEntry,
  taskRoot,
  workerUrl,
} from "../registry/mod.ts";
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
import { qualifyTaskName } from "../task/names.ts";
import { printResult, type RunContext } from "./_context.ts";
import { prefixed } from "./_invocation.ts";
import type { RunnerFlags } from "./_argv.ts";

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
  ctx: RunContext & { readonly registry?: Registry },
  entry: RegistryEntry,
  input: TaskInput,
  runner: RunnerFlags = ctx.runner ?? {},
): Promise<void> {
  const args = taskArguments(ctx, entry, input);
  jobsFlag(runner.jobs); // a bad --jobs is an error whether or not the task has deps
  // In GitHub Actions, the task's result and its children's output on stdout are inside the
  // run's stop-commands block too. The block ends once, at the very end of the run (runInvocation),
  // after any error: an end marker here would end it for stderr as well (the runner's state is one).
  const markers = ctx.json ? undefined : ctx.stopCommands;
  if (markers !== undefined && markers.stdout !== true) {
    ctx.process.stdout.write(markers.start);
    markers.stdout = true;
  }
  if ((entry.deps?.length ?? 0) > 0 || (entry.sources?.length ?? 0) > 0 || runner.dryRun) {
    // A graph (deps), an up-to-date check (sources) or a plan to print: loaded only then.
    const confine = confineMode(ctx.confine);
    if (typeof confine !== "string") throw new UsageError(confine.error);
    if (ctx.chdirToRoot) Deno.chdir(ctx.root);
    const { runGraph } = await import("./_graph.ts");
    await runGraph(ctx, entry, {
      args,
      runner,
      tasks: ctx.registry?.tasks ?? builtinTasks(),
      confine,
    });
    return;
  }
  await runTask(ctx, entry, args);
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
  // A namespace's task has its own folder as its root (docs/adr/0014).
  const root = taskRoot(ctx.root, entry);
  if (ctx.chdirToRoot) Deno.chdir(root);
  ctx.reporter.debug(`running ${entry.name} (${entry.source}: ${entry.file}) in ${root}`);
  const result = await runEntry(ctx, entry, {
    root,
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
 * relative to its root (its namespace's folder) when they are inside it, else
 * absolute.
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
    args[key] = relativeTo(taskRoot(ctx.root, entry), absolute);
  }
}

/**
 * Runs a registry entry in its sandbox, after its trust check; tasks it
 * starts with ctx.runTask run the same way, and so does each task of a graph
 * (`_graph.ts`). The one run path of a task.
 *
 * @param ctx The CLI context.
 * @param entry The task.
 * @param options Its root, raw arguments, reporter, confinement; its own
 *   permissions when the caller computed them already.
 * @returns What the task returned.
 */
export async function runEntry(
  ctx: RunContext,
  entry: RegistryEntry,
  options: {
    root: string;
    args: Record<string, unknown>;
    reporter: Reporter;
    /** For a task started with ctx.runTask: its caller, whose permissions bound its own. */
    caller?: { name: string; root: string; permissions: Permissions };
    confine: ConfineMode;
    /** Its own permissions for these arguments, when the caller computed them already. */
    own?: Permissions;
    /** Put before every line of its (confined) output: its name while several tasks run. */
    outputPrefix?: string;
  },
): Promise<SandboxResult> {
  const task = { name: entry.name, url: entry.url, worker: workerUrl(entry) };
  const annotations = ctx.annotations;
  const own = options.own ?? await permissionsForRun(ctx, entry, options);
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
      // `wst trust <name>` names a task of the workspace from its root; a subtask's name is its
      // registry's at its own root.
      ...(caller === undefined ? { commandRoot: ctx.root } : {}),
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
    outputPrefix: options.outputPrefix,
    runSubtask: async (request: SubtaskRequest) => {
      // In its own root, a workspace task's reference is relative to its namespace, a leading
      // ":" from the top, looked up among the workspace's tasks (docs/adr/0014); with another
      // root (a repository under it), among that root's tasks.
      const inWorkspace = request.root === options.root &&
        options.root === taskRoot(ctx.root, entry);
      const registry = await loadRegistry(inWorkspace ? ctx.root : request.root, {
        signal: ctx.signal,
      });
      const wanted = qualifyTaskName(inWorkspace ? entry.namespace : "", request.name);
      const sub = registry.tasks.find((t) => t.name === wanted);
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
      try {
        return await runEntry(ctx, sub, {
          root: inWorkspace ? taskRoot(ctx.root, sub) : request.root,
          args: request.args,
          reporter: prefixed(options.reporter, prefix),
          caller: { name: entry.name, root: options.root, permissions },
          confine: options.confine,
        });
      } catch (err) {
        throw asSubtaskFailure(sub.name, err);
      }
    },
  });
}

/** Error kinds a caller cannot catch away: a denial (exit 3) and an interruption (130). */
const NOT_WRAPPED = new Set(["sandbox-denied", "trust-required", "interrupted"]);

/**
 * What a failed subtask (`ctx.runTask`) or dep throws to its caller: a
 * {@linkcode SubtaskFailedError} naming it and the kind of its error, which a
 * caller can catch; a denial and an interruption
 * as they are (a nested subtask's failure is wrapped again: the message names the chain).
 *
 * @param task The subtask's full name.
 * @param err What its run threw.
 * @returns The error to throw.
 */
export function asSubtaskFailure(task: string, err: unknown): unknown {
  const kind = (err as Partial<WstError> | null)?.kind;
  if (typeof kind === "string" && NOT_WRAPPED.has(kind)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new SubtaskFailedError({ task, subtaskKind: kind ?? "task-failed", message });
}

/**
 * `--jobs`: a whole number of at least 1; default the number of CPUs.
 *
 * @param given The flag as given, or undefined.
 * @returns How many tasks may run at once.
 * @throws {UsageError} When it is not a whole number of at least 1 (exit 2).
 */
export function jobsFlag(given: string | number | undefined): number {
  if (given === undefined) return Math.max(1, navigator.hardwareConcurrency || 1);
  const n = Number(given);
  if (!Number.isInteger(n) || n < 1) {
    throw new UsageError(
      `--jobs: expected a whole number of at least 1, found ${JSON.stringify(String(given))}`,
    );
  }
  return n;
}
