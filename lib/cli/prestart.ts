// The named built-in task's worker, started before the CLI loads its parser.
import { builtinTasks, knownPermissions, type RegistryEntry, workerUrl } from "../registry/mod.ts";
import { PrestartedWorker } from "../sandbox/host.ts";
import type { Invocation } from "./_argv.ts";
import { resolveRoot } from "./_root.ts";

/**
 * Starts the worker of the built-in task named on the command line before
 * the CLI loads its parser, so that the worker boots and loads its bundle on
 * another thread meanwhile (about a third of a sandboxed run's start-up). The
 * worker gets exactly the permissions the run would give it and does nothing
 * until the run sends it its arguments; a run whose permissions turn out
 * different, or no run at all (bad flags, `--help`), discards it. For a task
 * whose permissions depend on its arguments, the worker started is the
 * task's own when no argument is given (its permissions are the manifest's
 * defaults), else the one with no permissions that computes them.
 *
 * @param invocation The scanned command line.
 * @returns The started worker, or undefined when there is nothing to start: no
 * built-in task named, a help request, or a root that does not resolve (the
 * CLI reports that itself).
 */
export function prestart(invocation: Invocation): PrestartedWorker | undefined {
  if (invocation.help || invocation.error !== undefined) return undefined;
  const entry = builtinTasks().find((task) => task.name === invocation.command);
  if (entry === undefined) return undefined;
  // Unknown until the arguments are parsed: they are computed in a worker with none.
  const permissions = knownPermissions(entry, invocation.rest.length > 0) ?? {};
  try {
    const task = { name: entry.name, url: entry.url, worker: workerUrl(entry) };
    return new PrestartedWorker(task, permissions, resolveRoot(invocation));
  } catch {
    return undefined;
  }
}

/**
 * The built-in task a command line runs with nothing to parse: it names the
 * task and gives it no argument (only global flags), and the task has no
 * positional (the parser reports a missing one). Such a run builds no
 * command tree and loads neither Stricli nor the registry of local tasks (a
 * built-in always wins over a local task).
 *
 * @param invocation The scanned command line.
 * @returns The task, or undefined.
 */
export function directEntry(invocation: Invocation): RegistryEntry | undefined {
  if (invocation.rest.length > 0 || invocation.help) return undefined;
  const entry = builtinTasks().find((task) => task.name === invocation.command);
  return entry === undefined || hasPositional(entry) ? undefined : entry;
}

function hasPositional(entry: RegistryEntry): boolean {
  const properties = (entry.argsSchema.properties ?? {}) as Record<
    string,
    { positional?: boolean }
  >;
  return Object.values(properties).some((p) => p.positional === true);
}
