import { ExitCode, TaskDefinitionError, UsageError } from "../errors/mod.ts";
import { type ConfineMode, confineMode } from "../sandbox/confine.ts";
import { knownPermissions, loadRegistry, type RegistryEntry, workerUrl } from "../registry/mod.ts";
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
import { printResult, type RunContext } from "./_context.ts";
import { escapeControls, prefixed } from "./_invocation.ts";

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
  if (ctx.chdirToRoot) Deno.chdir(ctx.root);
  ctx.reporter.debug(`running ${entry.name} (${entry.source}: ${entry.file}) in ${ctx.root}`);
  const result = await runEntry(ctx, entry, {
    root: ctx.root,
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

/** Runs a registry entry in its sandbox; tasks it starts with ctx.runTask run the same way. */
async function runEntry(
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
  const own = await permissionsForRun(ctx, entry, { root: options.root, args });
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
        argv: request.argv,
        reporter: prefixed(options.reporter, prefix),
        output: (stream, line) => options.output(stream, prefix + line),
        caller: { name: entry.name, root: options.root, permissions },
        confine: options.confine,
      });
    },
  });
}
