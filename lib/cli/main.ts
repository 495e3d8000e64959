import {
  buildApplication,
  buildChoiceParser,
  buildCommand,
  buildRouteMap,
  type Command,
  proposeCompletions,
  type RouteMap,
  run,
} from "@stricli/core";
import { parametersFromSchema } from "./_flags.ts";
import { completionsCommand, SHELLS } from "./completions.ts";
import { describeCommand, listCommand, namespaceChoices } from "./list.ts";
import { SCHEMA_NAMES, schemaCommand } from "./schema.ts";
import { GUARD_FLAGS, type GuardFlags } from "./_guard_flags.ts";
import { ConfigError, ExitCode, UsageError } from "../errors/mod.ts";
import {
  builtinTasks,
  type CacheMode,
  knownPermissions,
  loadRegistry,
  type Registry,
  type RegistryEntry,
  type RegistryProblem,
  taskRoot,
} from "../registry/mod.ts";
import {
  type CliContext,
  GLOBAL_FLAG_SPECS,
  type GlobalFlags,
  type RunContext,
} from "./_context.ts";
import { commandArgv, type Invocation, WST_OPTIONS } from "./_argv.ts";
import { RESERVED_NAMES } from "../task/names.ts";
import { errorLine, escapeControls, problemLine, reportError } from "./_invocation.ts";

import { VERSION } from "./_version.ts";

export { VERSION };

function isKnown(tasks: readonly RegistryEntry[], name: string): boolean {
  return RESERVED_NAMES.has(name) || tasks.some((t) => t.name === name);
}

/**
 * The one module that did not load whose file is named like the task asked
 * for (`.wst/tasks/deploy.ts` for `deploy` or `app:deploy`, `build_site.ts`
 * for `build-site`): a newcomer's syntax error, rather than a task that does
 * not exist.
 */
function brokenModuleOf(
  problems: readonly RegistryProblem[],
  name: string,
): RegistryProblem | undefined {
  // `_` and `-` alike: a file's name may spell the task's either way.
  const spelt = (text: string) => text.replaceAll("_", "-");
  const last = spelt(name.slice(name.lastIndexOf(":") + 1));
  const stem = (file: string) =>
    file.slice(file.lastIndexOf("/") + 1).replace(/\.[cm]?[jt]sx?$/, "");
  const matches = problems.filter((p) => spelt(stem(p.file)) === last);
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * How a command uses the registry cache (docs/adr/0010): completion answers
 * from it alone and never waits on a module; listing, help and runs take it
 * when it is current (its fingerprint covers every module file); `describe`,
 * `docs` and `trust`, which show or approve what a task declares, inspect the
 * modules again. A run may take a task's permissions from the cache: what they
 * reach beyond the root still needs the user's approval (lib/trust), so a
 * cache changed behind wst's back cannot widen a run unasked, and only a
 * process with the user's rights can change it.
 */
function cacheMode(invocation: Invocation): CacheMode {
  const command = invocation.command;
  if (command === "__complete") return "only";
  if (command === "describe" || command === "docs" || command === "trust") {
    return askedTask(invocation) === undefined ? "refresh" : "use";
  }
  return "use";
}

/** The one task `describe` or `trust` shows or approves (its module is inspected again). */
function askedTask(invocation: Invocation): string | undefined {
  if (invocation.command !== "describe" && invocation.command !== "trust") return undefined;
  const first = invocation.rest[0];
  return first === undefined || first.startsWith("-") ? undefined : first;
}

/** Stricli's own exit codes for bad input (negative), which wst reports as usage errors. */
const STRICLI_USAGE_CODES = new Set([-4, -5]);

/**
 * Loads the registry, parses the command line with the full command tree
 * (every task's flags, help, completions) and runs the command. The global
 * flags were taken off the command line already (see `parseArgv`).
 *
 * @param invocation The scanned command line.
 * @param context The run's context, whose stderr is captured for `--json` usage errors.
 * @param loaded The registry, when the caller loaded it already (`directLocalEntry`).
 * @returns The process exit code (see `ExitCode`).
 */
export async function runApp(
  invocation: Invocation,
  context: RunContext,
  loaded?: Registry,
): Promise<number> {
  const refreshed = askedTask(invocation);
  const registry = loaded ?? await loadRegistry(context.root, {
    signal: context.signal,
    cache: cacheMode(invocation),
    ...(refreshed === undefined ? {} : { fresh: refreshed }),
  }).catch((err) => {
    // Help still helps when the workspace's configuration is broken: it says so, and shows the
    // built-in tasks (a run or a listing reports the error and exits 2).
    if (!(err instanceof ConfigError) || !(invocation.help || invocation.command === undefined)) {
      throw err;
    }
    context.reporter.warn(errorLine(err));
    return { tasks: builtinTasks(), problems: [] } satisfies Registry;
  });
  const stdout = context.process.stdout.write;
  // What Stricli writes (help, usage errors) holds task-controlled text: argument descriptions,
  // enum choices, defaults. JSON and escaped text pass through unchanged.
  const toStderr = (text: string) => context.process.stderr.write(escapeControls(text));
  // Before a command starts, Stricli's stderr is a usage error: held, then printed as wst prints
  // errors (and put in the `--json` error). A command's own output (a task's) passes through,
  // never kept: a task may print gigabytes.
  const held = { text: "", passing: false };
  const stderr = {
    write: (text: string) => {
      if (held.passing) toStderr(text);
      else held.text += text;
    },
  };
  const ctx = {
    ...context,
    registry,
    process: { stdout: { write: (text: string) => stdout(escapeControls(text)) }, stderr },
    commandStarted: () => {
      if (held.passing) return;
      held.passing = true;
      if (held.text !== "") toStderr(held.text);
    },
  } as CliContext;
  const app = buildApp(ctx.registry.tasks);
  const argv = commandArgv(invocation);
  const command = invocation.command;
  // `--watch` after a task's name is the task's own when it has an argument of that name.
  const entry = registry.tasks.find((t) => t.name === command);
  if (invocation.watch !== undefined && command !== undefined && RESERVED_NAMES.has(command)) {
    return reportError(
      ctx,
      new UsageError(
        `--watch runs a task again when its sources change: it does not apply to ${
          JSON.stringify(command)
        }`,
      ),
    );
  }
  // An option where the task's name goes: none of wst's (the scan took those off).
  const option = command === undefined ? invocation.rest[0] : undefined;
  if (
    option !== undefined && option.startsWith("-") && option !== "--version" && option !== "-v" &&
    !invocation.help
  ) {
    return reportError(
      ctx,
      new UsageError(
        `Unknown option ${JSON.stringify(option)}: before a task's name wst takes ${
          WST_OPTIONS.join(", ")
        } (wst --help)`,
      ),
    );
  }
  const properties = (entry?.argsSchema.properties ?? {}) as Record<string, unknown>;
  if (invocation.watch === "after" && "watch" in properties) {
    argv.splice(1, 0, "--watch");
    ctx.watch = false;
  }
  if (
    invocation.help || command === undefined ||
    (command !== "__complete" && !isKnown(registry.tasks, command)) ||
    (command === "describe" && argv[1] !== undefined && !isKnown(registry.tasks, argv[1])) ||
    (!loaded && (cacheMode(invocation) === "refresh" || refreshed !== undefined))
  ) {
    // Help lists the tasks, and the one asked for may be in a module that did not load: say why.
    // `describe` and `trust` inspect every module again: one that hangs costs them its time limit,
    // said here as `list` says it.
    for (const problem of registry.problems) ctx.reporter.warn(problemLine(problem));
  }
  const asked = command === "describe" ? argv[1] : command;
  const broken = asked === undefined || invocation.help || isKnown(registry.tasks, asked)
    ? undefined
    : brokenModuleOf(registry.problems, asked);
  if (broken !== undefined) {
    // Rather than the parser's "No command registered": the file that would have defined it. Still
    // a usage error (exit 2), as a name no module has is.
    return reportError(
      ctx,
      new UsageError(
        `No task ${JSON.stringify(asked)}: its module does not load: ${problemLine(broken)}`,
      ),
    );
  }

  // What follows `--` is a task's (`ctx.argv`): a command of wst's own takes none.
  if (invocation.argv.length > 0 && command !== undefined && RESERVED_NAMES.has(command)) {
    return reportError(
      ctx,
      new UsageError(
        `Only a task takes arguments after "--", found ${JSON.stringify(command)} with ${
          JSON.stringify(invocation.argv)
        }`,
      ),
    );
  }

  // `describe` is a route per task: without a task Stricli would print its help and exit 0.
  if (argv[0] === "describe" && (argv[1] === undefined || /^-(?!h$|-help$)/.test(argv[1]))) {
    return reportError(
      ctx,
      new UsageError("Expected argument for task: wst describe <task> [args…]"),
    );
  }

  if (argv[0] === "__complete" && invocation.completing !== undefined) {
    const partial = invocation.completing.partial;
    const { CONFINE_MODES } = await import("../sandbox/confine.ts");
    for (const mode of CONFINE_MODES) if (mode.startsWith(partial)) stdout(`${mode}\n`);
    return ExitCode.Success;
  }
  if (argv[0] === "__complete") {
    const proposals = await proposeCompletions(app, argv.slice(1), ctx);
    for (const p of proposals) stdout(`${p.completion}\n`);
    return ExitCode.Success;
  }

  await run(app, argv, ctx);
  const code = Number(ctx.process.exitCode ?? 0);
  context.exit = ctx.exit;
  if (ctx.exit !== ExitCode.Success) return ctx.exit;
  if (STRICLI_USAGE_CODES.has(code) && !held.passing) {
    const message = held.text.trim() || "Invalid arguments";
    return reportError(
      ctx,
      new UsageError(
        message.startsWith("No command registered for")
          ? `${message} (wst list shows every task)`
          : message,
      ),
    );
  }
  ctx.commandStarted(); // whatever Stricli wrote otherwise, as it wrote it
  return code === 0 ? ExitCode.Success : ExitCode.TaskFailed;
}

/** Wraps a command so a thrown error is reported once and sets the exit code. */
function guarded<A extends unknown[]>(
  fn: (this: CliContext, flags: GlobalFlags, ...args: A) => void | Promise<void>,
) {
  return async function (this: CliContext, flags: GlobalFlags, ...args: A): Promise<void> {
    this.commandStarted();
    try {
      await fn.call(this, flags, ...args);
    } catch (err) {
      this.exit = reportError(this, err);
    }
  };
}

/**
 * The runner flags (`--jobs`, `--fail-fast`, `--dry-run`, `--force`) given
 * after a task's name are wst's unless the task has an argument of that
 * name: then they are the task's (a built-in's `--jobs`, `--fail-fast`).
 */
const RUNNER_FLAG_SPECS = {
  jobs: {
    kind: "parsed",
    parse: String,
    brief: "Run at most this many tasks of the graph at once (default: the number of CPUs)",
    optional: true,
    placeholder: "n",
    hidden: true,
  },
  failFast: runnerSwitch("Abort the running tasks at the first failure and start no other"),
  dryRun: runnerSwitch("Print the order the task and its deps would run in; run nothing"),
  force: runnerSwitch("Run tasks with sources even when they are up to date"),
} as const;

/** A runner switch: every task has it, so it is listed by `--help-all` only. */
function runnerSwitch(brief: string) {
  return { ...switchFlag(brief), hidden: true } as const;
}

function taskCommand(entry: RegistryEntry): Command<CliContext> {
  const params = parametersFromSchema(
    entry.argsSchema,
    entry.envDefaults === undefined ? {} : { envDefaults: entry.envDefaults },
  );
  const runnerFlags = Object.fromEntries(
    Object.entries(RUNNER_FLAG_SPECS).filter(([name]) => !(name in params.flags)),
  );
  return buildCommand({
    func: guarded(async function (this: CliContext, flags, ...positionals: unknown[]) {
      const { runTaskCommand } = await import("./run_task.ts");
      const own: Record<string, unknown> = { ...flags };
      const runner: Record<string, unknown> = { ...this.runner };
      for (const name of Object.keys(runnerFlags)) {
        if (own[name] !== undefined) runner[name] = own[name];
        delete own[name];
      }
      await runTaskCommand(this, entry, taskInput(params, own, positionals), runner);
    }),
    parameters: {
      flags: { ...params.flags, ...runnerFlags, ...GLOBAL_FLAG_SPECS },
      positional: params.positional,
      // deno-lint-ignore no-explicit-any
    } as any,
    docs: { brief: entry.description },
  }) as Command<CliContext>;
}

/** A task's parsed flags and positionals, by argument name. */
function taskInput(
  params: ReturnType<typeof parametersFromSchema>,
  flags: unknown,
  positionals: unknown[],
): { flags: Record<string, unknown>; positionals: Record<string, unknown> } {
  const named: Record<string, unknown> = {};
  params.positionalNames.forEach((name, i) => (named[name] = positionals[i]));
  return { flags: flags as Record<string, unknown>, positionals: named };
}

/**
 * `wst describe <task> [args…]`: the task's flags and positionals, parsed as
 * a run parses them (none required); given any, the permissions a run with
 * them gets, computed by the run's own function.
 */
function describeTaskCommand(entry: RegistryEntry): Command<CliContext> {
  const params = parametersFromSchema(entry.argsSchema, { allOptional: true });
  return buildCommand({
    func: guarded(async function (this: CliContext, flags, ...positionals: unknown[]) {
      const input = taskInput(params, flags, positionals);
      const given = [...Object.values(input.flags), ...Object.values(input.positionals)]
        .some((value) => value !== undefined);
      const known = knownPermissions(entry, false);
      // A flag whose default comes from env: what a run now gets is computed, as for given ones.
      if (!given && entry.envDefaults === undefined) {
        describeCommand.call(
          this,
          flags,
          entry.name,
          known ? { args: {}, permissions: known } : undefined,
        );
        return;
      }
      const { permissionsForRun, taskArguments, taskEnv } = await import("./run_task.ts");
      const { args } = taskEnv(entry, {
        root: taskRoot(this.root, entry),
        args: taskArguments(this, entry, input),
      });
      if (Object.keys(args).length === 0) {
        describeCommand.call(
          this,
          flags,
          entry.name,
          known ? { args: {}, permissions: known } : undefined,
        );
        return;
      }
      const root = taskRoot(this.root, entry);
      const permissions = await permissionsForRun(this, entry, { root, args });
      describeCommand.call(this, flags, entry.name, { args, permissions });
    }),
    parameters: {
      flags: { ...params.flags, ...GLOBAL_FLAG_SPECS },
      positional: params.positional,
      // deno-lint-ignore no-explicit-any
    } as any,
    docs: { brief: `Describe ${entry.name}; with its arguments, the permissions a run gets` },
  }) as Command<CliContext>;
}

/** A fixed command with the global flags and at most one positional choice. */
function fixedCommand(
  // deno-lint-ignore no-explicit-any
  func: (this: CliContext, flags: GlobalFlags, ...args: any[]) => void | Promise<void>,
  brief: string,
  positional?: {
    brief: string;
    placeholder: string;
    choices: readonly string[];
    optional?: boolean;
  },
): Command<CliContext> {
  const parameters = {
    flags: GLOBAL_FLAG_SPECS,
    positional: {
      kind: "tuple",
      parameters: positional === undefined ? [] : [{
        brief: positional.brief,
        placeholder: positional.placeholder,
        parse: buildChoiceParser(positional.choices),
        proposeCompletions: (partial: string) =>
          positional.choices.filter((c) => c.startsWith(partial)),
        ...(positional.optional ? { optional: true } : {}),
      }],
    },
  };
  // deno-lint-ignore no-explicit-any
  return buildCommand({ func: guarded(func), parameters: parameters as any, docs: { brief } });
}

function switchFlag(brief: string) {
  return { kind: "boolean", brief, optional: true, withNegated: false } as const;
}

/** `wst import taskfile|justfile`: loaded (with yaml) only when run. */
function importRoute(kind: "taskfile" | "justfile"): Command<CliContext> {
  const source = kind === "taskfile" ? "Taskfile.yml" : "justfile";
  return buildCommand({
    func: guarded(async function (this: CliContext, flags: GlobalFlags) {
      const { importCommand } = await import("./import.ts");
      await importCommand.call(this, kind, flags);
    }),
    parameters: {
      flags: {
        ...GLOBAL_FLAG_SPECS,
        file: {
          kind: "parsed",
          parse: String,
          brief: `The ${kind} to convert (default: ${source} in the root)`,
          optional: true,
          placeholder: "path",
        },
        dryRun: switchFlag(
          "Write nothing; print the plan: modules, permissions, what cannot convert",
        ),
        force: switchFlag("Replace existing modules and conflicting namespace aliases"),
        ...(kind === "justfile"
          ? {
            just: {
              kind: "parsed",
              parse: String,
              brief: "The just binary that dumps the justfile (default: just on PATH)",
              optional: true,
              placeholder: "path",
            },
          }
          : {}),
      },
      positional: { kind: "tuple", parameters: [] },
      // deno-lint-ignore no-explicit-any
    } as any,
    docs: {
      brief: kind === "taskfile"
        ? "Convert a go-task Taskfile (and its includes) into task modules and namespaces"
        : "Convert a justfile (through just --dump) into task modules",
    },
  }) as Command<CliContext>;
}

/**
 * `wst guard` in the command tree: for `--help` and completion. A run goes
 * straight from the command line to lib/cli/guard.ts (see `runInvocation`).
 */
function guardCommand(): Command<CliContext> {
  const flags = Object.fromEntries(
    Object.entries(GUARD_FLAGS).map(([name, spec]) => [
      name,
      spec.value === undefined ? switchFlag(spec.brief) : {
        kind: "parsed",
        parse: String,
        brief: spec.brief,
        optional: true,
        placeholder: spec.value,
      },
    ]),
  );
  return buildCommand({
    func: guarded(async function (this: CliContext, flags: GlobalFlags & GuardFlags) {
      const { runGuard } = await import("./guard.ts");
      this.exit = await runGuard(this, flags, VERSION);
    }),
    parameters: {
      flags: { ...GLOBAL_FLAG_SPECS, ...flags },
      positional: { kind: "tuple", parameters: [] },
      // deno-lint-ignore no-explicit-any
    } as any,
    docs: {
      brief: "Check a git change against the guard-rails of ai-gateway.yaml " +
        "(exit 1: a limit broken, 2: configuration or git problem)",
    },
  }) as Command<CliContext>;
}

function buildApp(tasks: readonly RegistryEntry[]) {
  const routes: Record<string, Command<CliContext> | RouteMap<CliContext>> = {
    list: fixedCommand(
      listCommand,
      "List every task (built-in and from every folder's .wst/tasks/), or one namespace's",
      {
        brief: "Only this namespace's tasks (and those of the namespaces under it)",
        placeholder: "namespace",
        choices: namespaceChoices(tasks),
        optional: true,
      },
    ),
    describe: buildRouteMap({
      routes: Object.fromEntries(tasks.map((task) => [task.name, describeTaskCommand(task)])),
      docs: {
        brief:
          "Show a task's arguments (as JSON Schema with --json) and permissions; given its arguments, the permissions a run with them gets",
      },
    }),
    schema: fixedCommand(
      schemaCommand,
      "Print the JSON Schema of a configuration file, for editors",
      {
        brief: `Configuration file kind: ${SCHEMA_NAMES.join(", ")}`,
        placeholder: "name",
        choices: SCHEMA_NAMES,
      },
    ),
    docs: buildCommand({
      func: guarded(async function (this: CliContext, flags: GlobalFlags) {
        const { docsCommand } = await import("./docs.ts");
        await docsCommand.call(this, flags);
      }),
      parameters: {
        flags: {
          ...GLOBAL_FLAG_SPECS,
          check: {
            kind: "boolean",
            brief: "Change nothing; exit 1 when docs/tasks.md or AGENTS.md's task section is stale",
            optional: true,
            withNegated: false,
          },
        },
        positional: { kind: "tuple", parameters: [] },
        // deno-lint-ignore no-explicit-any
      } as any,
      docs: { brief: "Regenerate docs/tasks.md and the task section of AGENTS.md" },
    }) as Command<CliContext>,
    trust: buildCommand({
      func: guarded(async function (this: CliContext, flags: GlobalFlags, ...names: string[]) {
        const { trustCommand } = await import("./trust.ts");
        await trustCommand.call(this, flags, ...names);
      }),
      parameters: {
        flags: {
          ...GLOBAL_FLAG_SPECS,
          list: switchFlag("List every approval in the trust file"),
          revoke: switchFlag("Remove the approvals of the named tasks"),
          reset: switchFlag("Move the trust file aside (trust.json.broken-<time>): no approvals"),
        },
        positional: {
          kind: "array",
          parameter: {
            brief: "Local task to approve",
            placeholder: "task",
            parse: String,
            proposeCompletions(this: CliContext, partial: string) {
              return this.registry.tasks
                .filter((t) => t.source === "local" && t.name.startsWith(partial))
                .map((t) => t.name);
            },
          },
        },
        // deno-lint-ignore no-explicit-any
      } as any,
      docs: {
        brief:
          "Approve what local tasks reach beyond the repository (paths outside, run, env, net)",
      },
    }) as Command<CliContext>,
    import: buildRouteMap({
      routes: { taskfile: importRoute("taskfile"), justfile: importRoute("justfile") },
      docs: { brief: "Convert a go-task Taskfile or a justfile into task modules" },
    }),
    guard: guardCommand(),
    completions: fixedCommand(
      completionsCommand,
      "Print a shell completion script (bash, zsh or fish)",
      { brief: "Shell", placeholder: "shell", choices: SHELLS },
    ),
  };
  // The registry refuses local tasks with these names; a command always wins anyway.
  for (const task of tasks) routes[task.name] ??= taskCommand(task);
  return buildApplication<CliContext>(
    buildRouteMap({
      routes,
      docs: { brief: "wst: typed, sandboxed tasks for a workspace of repositories" },
    }),
    {
      name: "wst",
      versionInfo: { currentVersion: VERSION },
      scanner: { caseStyle: "allow-kebab-for-camel" },
      documentation: { caseStyle: "convert-camel-to-kebab" },
    },
  );
}
