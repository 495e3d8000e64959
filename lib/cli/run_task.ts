import { ExitCode } from "../errors/mod.ts";
import type { RegistryEntry } from "../registry/mod.ts";
import { computePermissions, runSandboxed } from "../sandbox/host.ts";
import { type CliContext, type GlobalFlags, printResult } from "./_context.ts";

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
  ctx: CliContext,
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
  const task = { name: entry.name, url: entry.url, worker: entry.worker };
  const permissions = entry.permissions ?? await computePermissions(task, args);
  ctx.reporter.debug(`running ${entry.name} (${entry.source}: ${entry.file}) in ${ctx.root}`);
  const result = await runSandboxed(task, {
    root: ctx.root,
    args,
    permissions,
    reporter: ctx.reporter,
    signal: ctx.signal,
  });
  printResult(ctx, json, result.value, result.text);
  if (result.failed) ctx.exit = ExitCode.TaskFailed;
}
