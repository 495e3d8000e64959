import { ExitCode, toWstError, type WstError } from "../errors/mod.ts";
import { createConsoleReporter, detectOutputEnvironment } from "../reporter/mod.ts";
import { loadRegistry } from "../registry/mod.ts";
import type { PrestartedWorker } from "../sandbox/host.ts";
import type { RunContext } from "./_context.ts";
import { directRun } from "./_direct.ts";
import { runApp } from "./app.ts";
import { resolveRoot } from "./_root.ts";

export { VERSION } from "./_version.ts";

/** Options of {@linkcode main}, for tests and embedding. */
export interface MainOptions {
  /** Receives stdout text (default: the process's stdout). */
  stdout?: (text: string) => void;
  /** Receives stderr text (default: the process's stderr). */
  stderr?: (text: string) => void;
  /** Aborts a running task. */
  signal?: AbortSignal;
  /** The named task's worker, started early (see `prestart`); disposed when unused. */
  prestarted?: PrestartedWorker | undefined;
}

const encoder = new TextEncoder();
const writeTo = (stream: typeof Deno.stdout) => (text: string) => {
  stream.writeSync(encoder.encode(text));
};

/**
 * Runs the wst CLI. A built-in task given only global flags runs at once
 * (see `directRun`); everything else goes through the full command tree
 * (`app.ts`), loaded with this module in one go (a separate dynamic import
 * measured no faster for the direct run, and no slower for `wst list`).
 *
 * @param argv The arguments after the program name.
 * @param options Where output goes and an abort signal.
 * @returns The process exit code (see `ExitCode`).
 */
export async function main(argv: readonly string[], options: MainOptions = {}): Promise<number> {
  try {
    return await runCli(argv, options);
  } finally {
    options.prestarted?.dispose();
  }
}

async function runCli(argv: readonly string[], options: MainOptions): Promise<number> {
  const stdout = options.stdout ?? writeTo(Deno.stdout);
  const stderr = options.stderr ?? writeTo(Deno.stderr);
  const json = argv.includes("--json");
  const env = detectOutputEnvironment();
  const reporter = createConsoleReporter({
    write: stderr,
    tty: env.tty,
    color: env.color,
    verbose: argv.includes("--verbose"),
  });
  const fail = (err: WstError) => {
    if (json) stdout(`${JSON.stringify(err.toJSON())}\n`);
    reporter.error(err.message);
    return err.exitCode;
  };

  let ctx: RunContext;
  try {
    ctx = {
      process: { stdout: { write: stdout }, stderr: { write: stderr } },
      root: resolveRoot(argv),
      reporter,
      signal: options.signal ?? new AbortController().signal,
      prestarted: options.prestarted,
      exit: ExitCode.Success,
    };
  } catch (err) {
    return fail(toWstError(err));
  }

  // Nothing to parse: no command tree, no registry (a built-in always wins over a local task).
  const direct = directRun(argv);
  if (direct !== undefined) {
    const { runTaskCommand } = await import("./run_task.ts");
    try {
      await runTaskCommand(ctx, direct.entry, { flags: { ...direct.flags }, positionals: {} });
    } catch (err) {
      return fail(toWstError(err));
    }
    return ctx.exit;
  }

  let registry;
  try {
    registry = await loadRegistry(ctx.root);
  } catch (err) {
    return fail(toWstError(err));
  }
  return await runApp(argv, { ...ctx, registry });
}
