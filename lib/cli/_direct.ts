// A direct run: a built-in task given nothing but global flags needs no parser.
import { builtinTasks, type RegistryEntry } from "../registry/mod.ts";
import type { Invocation } from "./_argv.ts";

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
  // `--watch` after the name may be the task's own argument: the parser decides (runApp).
  if (invocation.rest.length > 0 || invocation.help || invocation.watch === "after") {
    return undefined;
  }
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
