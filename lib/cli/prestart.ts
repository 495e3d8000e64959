// What the CLI works out before it loads its parser: whether the command line
// is a direct run (nothing to parse), and the named built-in task's worker.
import { builtinTasks, knownPermissions, type RegistryEntry, workerUrl } from "../registry/mod.ts";
import { PrestartedWorker } from "../sandbox/host.ts";
import { GLOBAL_FLAG_SPECS, type GlobalFlags } from "./_context.ts";
import { resolveRoot } from "./_root.ts";

/**
 * Starts the worker of the built-in task named first on the command line
 * before the CLI loads its parser, so that the worker boots and loads its
 * bundle on another thread meanwhile (about a third of a sandboxed run's
 * start-up). The worker gets exactly the permissions the run would give it and
 * does nothing until the run sends it its arguments; a run whose permissions
 * turn out different, or no run at all (bad flags, `--help`), discards it.
 * For a task whose permissions depend on its arguments, the worker started is
 * the task's own when no argument is given (its permissions are the
 * manifest's defaults), else the one with no permissions that computes them.
 *
 * @param argv The CLI arguments.
 * @returns The started worker, or undefined when there is nothing to start: no
 * built-in task named, a help request, or a root that does not resolve (the
 * CLI reports that itself).
 */
export function prestart(argv: readonly string[]): PrestartedWorker | undefined {
  const name = argv[0];
  if (name === undefined || argv.some((arg) => arg === "-h" || arg.startsWith("--help"))) {
    return undefined;
  }
  const entry = builtinTasks().find((task) => task.name === name);
  if (entry === undefined) return undefined;
  // Unknown until the arguments are parsed: they are computed in a worker with none.
  const argumentsGiven = globalFlagsOnly(argv.slice(1)) === undefined;
  const permissions = knownPermissions(entry, argumentsGiven) ?? {};
  try {
    const task = { name: entry.name, url: entry.url, worker: workerUrl(entry) };
    return new PrestartedWorker(task, permissions, resolveRoot(argv));
  } catch {
    return undefined;
  }
}

/**
 * A command line that names a built-in task and gives it nothing but global
 * flags (`wst validate-config`, `wst workspace-status --json --root ../ws`).
 * There is nothing for the parser to do: the task gets no arguments, so the
 * CLI runs it without building its command tree or loading the registry.
 */
export interface DirectRun {
  /** The built-in task. */
  readonly entry: RegistryEntry;
  /** The global flags given. */
  readonly flags: GlobalFlags;
}

/**
 * Recognises a {@linkcode DirectRun}. Anything else is left to the full
 * parser: a task argument, a positional, `--help`, a flag given twice, a
 * boolean flag with `=value`, `--root` without a value, a task whose
 * arguments include a positional (the parser reports it missing).
 *
 * @param argv The CLI arguments.
 * @returns The run, or undefined.
 */
export function directRun(argv: readonly string[]): DirectRun | undefined {
  const entry = builtinTasks().find((task) => task.name === argv[0]);
  if (entry === undefined || hasPositional(entry)) return undefined;
  const flags = globalFlagsOnly(argv.slice(1));
  return flags === undefined ? undefined : { entry, flags };
}

/**
 * Parses arguments that are global flags only, each at most once; undefined
 * for anything else.
 *
 * @param args The arguments after the task's name.
 * @returns The flags, or undefined.
 */
export function globalFlagsOnly(args: readonly string[]): GlobalFlags | undefined {
  const flags: { root?: string; json?: boolean; verbose?: boolean } = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) return undefined;
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    if (!isGlobalFlag(name) || name in flags) return undefined;
    if (name === "root") {
      const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined || (eq === -1 && value.startsWith("-"))) return undefined;
      flags.root = value;
    } else {
      if (eq !== -1) return undefined; // a switch takes no value
      flags[name] = true;
    }
  }
  return flags;
}

function isGlobalFlag(name: string): name is keyof typeof GLOBAL_FLAG_SPECS {
  return Object.hasOwn(GLOBAL_FLAG_SPECS, name);
}

function hasPositional(entry: RegistryEntry): boolean {
  const properties = (entry.argsSchema.properties ?? {}) as Record<
    string,
    { positional?: boolean }
  >;
  return Object.values(properties).some((p) => p.positional === true);
}
