import { builtinTasks, knownPermissions } from "../registry/mod.ts";
import { PrestartedWorker } from "../sandbox/host.ts";
import { globalFlagsOnly } from "./_direct.ts";
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
    return new PrestartedWorker(entry, permissions, resolveRoot(argv));
  } catch {
    return undefined;
  }
}
