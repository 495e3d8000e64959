// The one run path of the CLI: a scanned command line in, an exit code out.
import { type Invocation, parseArgv } from "./_argv.ts";
import { type MainOptions, openInvocation, reportError } from "./_invocation.ts";
import { directEntry } from "./_direct.ts";
import type { RunContext } from "./_context.ts";
import { inGithubActions, stopCommands, stopCommandsToken } from "../ci/github.ts";

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
  const guard = stopCommandsIn(ctx, options);
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
  } finally {
    guard?.();
    for (const line of ctx.annotations ?? []) ctx.process.stderr.write(`${line}\n`);
  }
}

/**
 * In GitHub Actions, everything after this is out of the runner's reach
 * (`::stop-commands::<token>`, a new random token per run) until the
 * function it returns writes `::<token>::`: loading task modules, their logs,
 * progress, errors, results, and the output of children that share wst's
 * stdout and stderr. The runner reads workflow commands from both streams,
 * one reader each, so both get the markers; with `--json` only stderr does,
 * as stdout is exactly one JSON document, which never starts a line with `::`.
 *
 * @returns The function that ends the block, or undefined outside GitHub Actions.
 */
function stopCommandsIn(ctx: RunContext, options: MainOptions): (() => void) | undefined {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  if (!inGithubActions(env)) return undefined;
  const { start, end } = stopCommands(stopCommandsToken());
  const streams = ctx.json ? [ctx.process.stderr] : [ctx.process.stderr, ctx.process.stdout];
  for (const stream of streams) stream.write(start);
  return () => {
    for (const stream of streams.toReversed()) stream.write(end);
  };
}
