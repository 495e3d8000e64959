// The one run path of the CLI: a scanned command line in, an exit code out.
import { type Invocation, parseArgv } from "./_argv.ts";
import { type MainOptions, openInvocation, reportError } from "./_invocation.ts";
import { directEntry } from "./_direct.ts";

export type { MainOptions } from "./_invocation.ts";

/**
 * Runs the wst CLI.
 *
 * @param argv The arguments after the program name.
 * @param options Where output goes and an abort signal.
 * @returns The process exit code (see `ExitCode`).
 */
export function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  return runInvocation(parseArgv(argv), options);
}

/**
 * Runs a scanned command line. A built-in task given nothing but global
 * flags runs at once (see `directEntry`); everything else goes through the
 * full command tree (`runApp`), loaded only then.
 *
 * @param invocation The scanned command line.
 * @param options Where output goes and an abort signal.
 * @returns The process exit code (see `ExitCode`).
 */
export async function runInvocation(
  invocation: Invocation,
  options: MainOptions = {},
): Promise<number> {
  const opened = openInvocation(invocation, options);
  if (opened.ctx === undefined) return opened.code;
  const ctx = opened.ctx;
  try {
    const entry = directEntry(invocation);
    if (entry !== undefined) {
      const { runTaskCommand } = await import("./run_task.ts");
      await runTaskCommand(ctx, entry, { flags: {}, positionals: {} });
      return ctx.exit;
    }
    const { runApp } = await import("./main.ts");
    return await runApp(invocation, ctx);
  } catch (err) {
    return reportError(ctx, err);
  }
}
