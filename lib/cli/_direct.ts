// A direct run: a built-in task given nothing but global flags needs no parser.
import {
  builtinTasks,
  loadRegistry,
  localTaskFiles,
  type Registry,
  type RegistryEntry,
} from "../registry/mod.ts";
import { RESERVED_NAMES } from "../task/names.ts";
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

/**
 * The local task a command line runs with nothing to parse, as
 * {@linkcode directEntry} does for a built-in: it names a task of the root's
 * `.wst/tasks/` and gives it no argument, and the task has no positional.
 * The registry comes from its cache when the `.wst/` folder is unchanged (as
 * the parser's would). Such a run loads neither Stricli nor the command tree
 * (~15 ms of a local task's start); anything else (an unknown name, a module
 * that does not load, a task with a positional) goes through the parser,
 * which reports it, with the registry loaded here.
 *
 * @param invocation The scanned command line.
 * @param root The workspace root.
 * @param signal Aborts loading the registry (Ctrl-C).
 * @returns The task, or the registry for the parser (none when no local task could be meant).
 */
export async function directLocalEntry(
  invocation: Invocation,
  root: string,
  signal?: AbortSignal,
): Promise<{ entry?: RegistryEntry; registry?: Registry }> {
  const command = invocation.command;
  if (
    command === undefined || invocation.rest.length > 0 || invocation.help ||
    invocation.watch === "after" ||
    command.startsWith("_") || RESERVED_NAMES.has(command) || localTaskFiles(root).length === 0
  ) {
    return {};
  }
  const registry = await loadRegistry(root, { signal, cache: "use" });
  const entry = registry.tasks.find((task) => task.name === command);
  return entry !== undefined && entry.source === "local" && !hasPositional(entry)
    ? { entry, registry }
    : { registry };
}

function hasPositional(entry: RegistryEntry): boolean {
  const properties = (entry.argsSchema.properties ?? {}) as Record<
    string,
    { positional?: boolean }
  >;
  return Object.values(properties).some((p) => p.positional === true);
}
