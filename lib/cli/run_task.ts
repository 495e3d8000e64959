import {
  ExitCode,
  InterruptedError,
  SubtaskFailedError,
  TaskDefinitionError,
  UsageError,
  type WstError,
} from "../errors/mod.ts";
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
  type TaskOutput,
} from "../sandbox/host.ts";
import { envDefaultProblems, envFlagValue, readDotenvFiles } from "../task/dotenv.ts";
import { intersectPermissions } from "../sandbox/intersect.ts";
import { relativeTo, resolvePath } from "../_path.ts";
import type { Permissions } from "../task/permissions.ts";
import { describeScope } from "../task/scope.ts";
import { qualifyTaskName } from "../task/names.ts";
import { printResult, type RunContext } from "./_context.ts";
import { escapeControls, prefixed, reportError } from "./_invocation.ts";
import type { RunnerFlags } from "./_argv.ts";
import { importOwn } from "../_load.ts";

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
  if (ctx.watch === true) {
    if (ctx.json) {
      throw new UsageError("--watch cannot be used with --json: a watch prints one result per run");
    }
    await watchTask(ctx, entry, args, runner);
    return;
  }
  await runOnce(ctx, entry, args, runner);
}

/** One run of a task: with its deps and up-to-date check when it has them. */
async function runOnce(
  ctx: RunContext & { readonly registry?: Registry },
  entry: RegistryEntry,
  args: Record<string, unknown>,
  runner: RunnerFlags,
): Promise<void> {
  if ((entry.deps?.length ?? 0) > 0 || (entry.sources?.length ?? 0) > 0 || runner.dryRun) {
    // A graph (deps), an up-to-date check (sources) or a plan to print: loaded only then.
    const confine = confineMode(ctx.confine);
    if (typeof confine !== "string") throw new UsageError(confine.error);
    if (ctx.chdirToRoot) Deno.chdir(ctx.root);
    const { runGraph } = await importOwn<typeof import("./_graph.ts")>(
      new URL("./_graph.ts", import.meta.url),
    );
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

/**
 * `--watch`: runs the task, then again whenever its sources change (lib/watch),
 * each run's errors reported without ending the watch; Ctrl-C ends it (exit 130).
 */
async function watchTask(
  ctx: RunContext & { readonly registry?: Registry },
  entry: RegistryEntry,
  args: Record<string, unknown>,
  runner: RunnerFlags,
): Promise<void> {
  const { watchRuns } = await importOwn<typeof import("../watch/mod.ts")>(
    new URL("../watch/mod.ts", import.meta.url),
  );
  // A namespaced task watches its own folder, its `sources` (else everything there) but its `outputs`.
  const root = taskRoot(ctx.root, entry);
  // A local task's own module is watched too: editing the task reruns it.
  const module = entry.source === "local"
    ? relativeTo(root, resolvePath(ctx.root, entry.file))
    : "";
  await watchRuns({
    root,
    also: module === "" || module.startsWith("/") ? [] : [module],
    sources: entry.sources,
    outputs: entry.outputs,
    signal: ctx.signal,
    reporter: ctx.reporter,
    task: entry.name,
    run: async (signal) => {
      try {
        await runOnce({ ...ctx, signal }, entry, args, runner);
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
  // A namespace's task has its own folder as its root (docs/adr/0014).
  const root = taskRoot(ctx.root, entry);
  if (ctx.chdirToRoot) Deno.chdir(root);
  ctx.reporter.debug(`running ${entry.name} (${entry.source}: ${entry.file}) in ${root}`);
  const result = await runEntry(ctx, entry, {
    root,
    args,
    argv: ctx.argv ?? [],
    reporter: ctx.reporter,
    output: taskOutput(ctx),
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
 * Where a run's script output (`ctx.script`) goes: its stdout to wst's stdout
 * (stderr with `--json`, whose stdout is one JSON document), its stderr to
 * stderr; escaped (`escapeControls`): it is task-controlled text. One line
 * at a time: a caller may wrap it to prefix each line (a task's name).
 *
 * @param ctx The CLI context.
 * @returns The output function.
 */
export function taskOutput(ctx: Pick<RunContext, "json" | "process">): TaskOutput {
  return (stream, line) => {
    const to = stream === "stdout" && !ctx.json ? ctx.process.stdout : ctx.process.stderr;
    to.write(escapeControls(line));
  };
}

/**
 * What a run of a task takes from outside its code: the vars of its dotenv
 * files (all of them: the run passes on the declared ones), and its
 * arguments with the flags the command line left out filled in from the env
 * vars it names in `envDefaults`. `wst describe <task> [args…]` computes the
 * permissions of the same arguments.
 *
 * @param entry The task.
 * @param options Its root; its raw arguments; a debug log; for a subtask, the vars its caller may read.
 * @returns The dotenv files' vars and the arguments.
 * @throws {UsageError} A var's value its flag cannot take.
 * @throws {SandboxDeniedError} A dotenv file outside the root.
 * @throws {ConfigError} A dotenv file that does not parse.
 */
export function taskEnv(
  entry: RegistryEntry,
  options: {
    root: string;
    args: Record<string, unknown>;
    debug?: (line: string) => void;
    allowed?: readonly string[] | undefined;
  },
): { files: Record<string, string>; args: Record<string, unknown> } {
  const files = entry.dotenv === undefined ? {} : readDotenvFiles(entry.dotenv, {
    root: options.root,
    task: entry.name,
    scope: entry.permissions
      ? describeScope(entry.permissions)
      : "permissions computed from the arguments",
    ...(options.debug === undefined ? {} : { debug: options.debug }),
  });
  const args = withEnvDefaults(entry, options.args, { files, allowed: options.allowed });
  return { files, args };
}

/**
 * A run's arguments with the flags the command line left out filled in from
 * the env vars the task names in `envDefaults` (wst's env first, then its
 * dotenv files), each parsed as its flag would be.
 *
 * @throws {UsageError} A value its flag cannot take.
 */
function withEnvDefaults(
  entry: RegistryEntry,
  args: Record<string, unknown>,
  options: { files: Readonly<Record<string, string>>; allowed?: readonly string[] | undefined },
): Record<string, unknown> {
  const properties = (entry.argsSchema.properties ?? {}) as Record<string, object>;
  const out = { ...args };
  for (const [flag, name] of Object.entries(entry.envDefaults ?? {})) {
    if (out[flag] !== undefined) continue;
    // A subtask's default comes only from a var its caller may read too.
    if (options.allowed !== undefined && !options.allowed.includes(name)) continue;
    const value = Deno.env.get(name) ?? options.files[name];
    if (value === undefined) continue;
    const parsed = envFlagValue(value, properties[flag], name);
    if ("error" in parsed) throw new UsageError(`--${flag} (from ${parsed.error})`);
    out[flag] = parsed.value;
  }
  return out;
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
/**
 * Lets a local task's run go ahead when it needs no approval or has it (on a
 * terminal, asks); a built-in task never needs one. A graph checks every
 * task of the plan so before the first one runs.
 *
 * @param ctx The CLI context (`--trust`, the workspace root).
 * @param entry The task.
 * @param permissions The run's permissions.
 * @param options The task's root; whether a task's `ctx.runTask` started it.
 * @throws {TrustRequiredError} When the run needs an approval it did not get (exit 3).
 */
export async function checkTrust(
  ctx: Pick<RunContext, "trusted" | "root" | "signal">,
  entry: RegistryEntry,
  permissions: Permissions,
  options: { root: string; subtask?: boolean },
): Promise<void> {
  if (entry.source !== "local") return;
  // Loaded only here: a built-in task never needs the user's approval.
  const { ensureTrusted } = await importOwn<typeof import("../trust/mod.ts")>(
    new URL("../trust/mod.ts", import.meta.url),
  );
  await ensureTrusted(entry, permissions, options.root, {
    trusted: ctx.trusted === true,
    signal: ctx.signal,
    approvable: knownPermissions(entry, false),
    // `wst trust <name>` names a task of the workspace from its root; a subtask's name is its
    // registry's at its own root.
    ...(options.subtask ? {} : { commandRoot: ctx.root }),
  });
}

export async function runEntry(
  ctx: RunContext,
  entry: RegistryEntry,
  options: {
    root: string;
    args: Record<string, unknown>;
    /** `ctx.argv`. */
    argv: readonly string[];
    reporter: Reporter;
    /** Where its scripts' output goes. */
    output: TaskOutput;
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
  const caller = options.caller;
  const { files, args } = taskEnv(entry, {
    root: options.root,
    args: options.args,
    debug: (line) => ctx.reporter.debug(line),
    allowed: caller === undefined ? undefined : caller.permissions.env ?? [],
  });
  // A graph computed them already for these arguments, unless a flag's default comes from env.
  const own = options.own !== undefined && entry.envDefaults === undefined
    ? options.own
    : await permissionsForRun(ctx, entry, { root: options.root, args });
  // Computed permissions: each var a default comes from must be declared for these arguments too.
  const envProblems = envDefaultProblems(
    entry.envDefaults,
    Object.keys(entry.argsSchema.properties ?? {}),
    own.env ?? [],
  );
  if (envProblems.length > 0) throw new TaskDefinitionError(entry.file, envProblems);
  // A subtask never gets more than its caller: not through its arguments, nor through its root.
  const permissions = caller === undefined
    ? own
    : intersectPermissions({ permissions: own, root: options.root }, caller);
  // Only the declared vars of the dotenv files reach the task.
  const dotenv: Record<string, string> = {};
  for (const name of permissions.env ?? []) {
    if (Object.hasOwn(files, name)) dotenv[name] = files[name]!;
  }
  const dropped = Object.keys(files).filter((name) => !Object.hasOwn(dotenv, name));
  if (dropped.length > 0) {
    ctx.reporter.debug(
      `${entry.name}: dotenv vars not declared in permissions.env, not passed on: ${
        dropped.join(", ")
      }`,
    );
  }
  if (caller !== undefined) {
    ctx.reporter.debug(`${entry.name}: its own permissions are ${describeScope(own)}`);
  }
  ctx.reporter.debug(`${entry.name} runs with ${describeScope(permissions)}`);
  await checkTrust(ctx, entry, permissions, { root: options.root, subtask: caller !== undefined });
  return await runSandboxed(task, {
    root: options.root,
    args,
    argv: options.argv,
    dotenv,
    output: options.output,
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
      // A workspace task by its full name (`seed:status`); another root's by its folder.
      const prefix = `[${
        inWorkspace ? sub.name : where === "." ? request.name : `${where}:${request.name}`
      }] `;
      try {
        if ((sub.deps?.length ?? 0) > 0) {
          // Its deps run first, as go-task's `task:` calls run the called task's deps.
          const { runGraph } = await importOwn<typeof import("./_graph.ts")>(
            new URL("./_graph.ts", import.meta.url),
          );
          await runGraph(ctx, sub, {
            args: {},
            runner: { ...(ctx.runner?.jobs === undefined ? {} : { jobs: ctx.runner.jobs }) },
            tasks: registry.tasks,
            confine: options.confine,
            depsOnly: true,
          });
        }
        return await runEntry(ctx, sub, {
          root: inWorkspace ? taskRoot(ctx.root, sub) : request.root,
          args: request.args,
          argv: request.argv,
          reporter: prefixed(options.reporter, prefix),
          // Its logs carry its name; its scripts' output is the caller's, as a `task:` call's is.
          output: options.output,
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
