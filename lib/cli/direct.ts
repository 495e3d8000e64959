/**
 * A direct run (see `directRun`): a built-in task given nothing but global
 * flags. `cli.ts` loads this module instead of the full CLI, so such a run
 * builds no command tree and loads neither Stricli nor the registry of local
 * tasks (a built-in always wins over a local task).
 *
 * @module
 */
import { type MainOptions, openInvocation } from "./_invocation.ts";
import type { RunContext } from "./_context.ts";
import type { DirectRun } from "./prestart.ts";
import { runTaskCommand } from "./run_task.ts";

/**
 * Runs a direct run from start to end: sets up the invocation, runs the task,
 * disposes of the prestarted worker if the run did not take it.
 *
 * @param argv The CLI arguments (for the root and the output flags).
 * @param run The run, as recognised by `directRun(argv)`.
 * @param options Where output goes, the abort signal, the prestarted worker.
 * @returns The process exit code (see `ExitCode`).
 */
export async function mainDirect(
  argv: readonly string[],
  run: DirectRun,
  options: MainOptions = {},
): Promise<number> {
  try {
    const invocation = openInvocation(argv, options);
    if (invocation.ctx === undefined) return invocation.code;
    return await runDirect(invocation.ctx, run, invocation.fail);
  } finally {
    options.prestarted?.dispose();
  }
}

/**
 * Runs a direct run in an invocation that is already set up.
 *
 * @param ctx The invocation's context.
 * @param run The run.
 * @param fail Reports an error and returns its exit code.
 * @returns The process exit code.
 */
export async function runDirect(
  ctx: RunContext,
  run: DirectRun,
  fail: (err: unknown) => number,
): Promise<number> {
  try {
    await runTaskCommand(ctx, run.entry, { flags: { ...run.flags }, positionals: {} });
  } catch (err) {
    return fail(err);
  }
  return ctx.exit;
}
