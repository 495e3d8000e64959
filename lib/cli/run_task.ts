import { ExitCode, UsageError } from "../errors/mod.ts";
import { knownPermissions, loadRegistry, type RegistryEntry, workerUrl } from "../registry/mod.ts";
import type { Progress, Reporter } from "../reporter/mod.ts";
import {
  computePermissions,
  type PrestartedWorker,
  runSandboxed,
  type SandboxResult,
  type SubtaskRequest,
} from "../sandbox/host.ts";
import { relativeTo } from "../_path.ts";
import { type GlobalFlags, printResult, type RunContext } from "./_context.ts";

/**
 * Runs one task from the CLI: splits off the global flags, works out the
 * task's permissions (static, or computed in a worker with none), runs it in
 * its sandbox and prints the result.
 *
 * @param ctx The CLI context.
 * @param entry The task.
 * @param input Parsed flags and positionals.
 */
export async function runTaskCommand(
  ctx: RunContext,
  entry: RegistryEntry,
  input: { flags: Record<string, unknown>; positionals: Record<string, unknown> },
): Promise<void> {
  const { root: _root, json, verbose: _verbose, ...taskFlags } = input.flags as
    & GlobalFlags
    & Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries({ ...taskFlags, ...input.positionals })) {
    if (value !== undefined) args[key] = value;
  }
  ctx.reporter.debug(`running ${entry.name} (${entry.source}: ${entry.file}) in ${ctx.root}`);
  const result = await runEntry(ctx, entry, {
    root: ctx.root,
    args,
    reporter: ctx.reporter,
    prestarted: ctx.prestarted,
  });
  printResult(ctx, json, result.value, result.text);
  if (result.failed) ctx.exit = ExitCode.TaskFailed;
}

/** Runs a registry entry in its sandbox; tasks it starts with ctx.runTask run the same way. */
async function runEntry(
  ctx: RunContext,
  entry: RegistryEntry,
  options: {
    root: string;
    args: Record<string, unknown>;
    reporter: Reporter;
    prestarted?: PrestartedWorker | undefined;
  },
): Promise<SandboxResult> {
  const task = { name: entry.name, url: entry.url, worker: workerUrl(entry) };
  const permissions = knownPermissions(entry, Object.keys(options.args).length > 0) ??
    await computePermissions(task, options.args, options.prestarted);
  return await runSandboxed(task, {
    root: options.root,
    args: options.args,
    permissions,
    reporter: options.reporter,
    signal: ctx.signal,
    prestarted: options.prestarted,
    runSubtask: async (request: SubtaskRequest) => {
      const registry = await loadRegistry(request.root);
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
      });
    },
  });
}

function prefixed(reporter: Reporter, prefix: string): Reporter {
  return {
    debug: (m) => reporter.debug(prefix + m),
    info: (m) => reporter.info(prefix + m),
    warn: (m) => reporter.warn(prefix + m),
    error: (m) => reporter.error(prefix + m),
    progress: (label: string, total?: number): Progress => reporter.progress(prefix + label, total),
  };
}
