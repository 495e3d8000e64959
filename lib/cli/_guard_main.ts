// The entry of `wst guard`'s bundle (lib/cli/run.ts loads it as one file,
// built like a task's bundle: docs/adr/0018). Its errors are reported here:
// the bundle has its own copies of wst's error classes, which the CLI's
// `instanceof` checks would not know.
import { reportError } from "./_invocation.ts";
import { parseGuardArgs, runGuard } from "./guard.ts";
import type { RunContext } from "./_context.ts";

/**
 * Parses `wst guard`'s flags and runs it.
 *
 * @param ctx The invocation.
 * @param rest The arguments after `guard`.
 * @param version wst's version.
 * @returns The exit code: 0 clean, 1 violations, 2 usage, configuration or git problem.
 */
export async function guardMain(
  ctx: RunContext,
  rest: readonly string[],
  version: string,
): Promise<number> {
  try {
    return await runGuard(ctx, parseGuardArgs(rest), version);
  } catch (err) {
    return reportError(ctx, err);
  }
}
