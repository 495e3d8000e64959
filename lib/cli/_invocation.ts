// What every CLI invocation sets up before it runs anything: output, reporter,
// root, and how an error ends the run.
import { ExitCode, toWstError, UsageError, type WstError } from "../errors/mod.ts";
import {
  createConsoleReporter,
  detectOutputEnvironment,
  escapeControls,
  prefixReporter,
  type Reporter,
  safeJson,
} from "../reporter/mod.ts";
import type { RegistryProblem } from "../registry/mod.ts";
import type { Invocation } from "./_argv.ts";
import type { RunContext } from "./_context.ts";
import { resolveRoot } from "./_root.ts";
import { RESERVED_NAMES } from "../task/names.ts";

export { escapeControls } from "../reporter/mod.ts";

/** Options of the CLI's entry points, for tests and embedding. */
export interface MainOptions {
  /** Receives stdout text (default: the process's stdout). */
  stdout?: (text: string) => void;
  /** Receives stderr text (default: the process's stderr). */
  stderr?: (text: string) => void;
  /** Aborts a running task. */
  signal?: AbortSignal;
  /** Make a task's root the process's working folder before it runs (only `cli.ts` does). */
  chdirToRoot?: boolean;
  /** Reads the environment (default: `Deno.env.get`); only `GITHUB_ACTIONS` so far. */
  env?: (name: string) => string | undefined;
}

const encoder = new TextEncoder();
const writeTo = (stream: typeof Deno.stdout) => (text: string) => {
  stream.writeSync(encoder.encode(text));
};

/**
 * Sets up an invocation: output streams, the reporter (`--verbose`, TTY,
 * colour) and the workspace root.
 *
 * @param invocation The scanned command line.
 * @param options Where output goes and the abort signal.
 * @returns The context; an error in the global flags or the root is
 *   reported and its exit code returned instead.
 */
export function openInvocation(
  invocation: Invocation,
  options: MainOptions,
): { ctx: RunContext; code?: undefined } | { ctx?: undefined; code: number } {
  const stdout = options.stdout ?? writeTo(Deno.stdout);
  const stderr = options.stderr ?? writeTo(Deno.stderr);
  const env = detectOutputEnvironment();
  const reporter = createConsoleReporter({
    write: stderr,
    tty: env.tty,
    color: env.color,
    verbose: invocation.verbose,
  });
  const ctx: RunContext = {
    process: { stdout: { write: stdout }, stderr: { write: stderr } },
    root: "",
    base: invocation.base,
    json: invocation.json,
    argv: invocation.argv,
    confine: invocation.confine,
    reporter,
    signal: options.signal ?? new AbortController().signal,
    chdirToRoot: options.chdirToRoot,
    trusted: invocation.trust || /^(?:1|true)$/i.test(Deno.env.get("WST_TRUST") ?? ""),
    watch: invocation.watch !== undefined,
    exit: ExitCode.Success,
    annotations: [],
    runner: invocation.runner,
  };
  try {
    if (invocation.error !== undefined) throw new UsageError(invocation.error);
    const given = Object.keys(invocation.runner ?? {})[0];
    if (
      given !== undefined && invocation.command !== undefined &&
      RESERVED_NAMES.has(invocation.command)
    ) {
      // `wst --dry-run list`: the flag would be silently ignored.
      throw new UsageError(
        `--${
          given.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
        } is for running a task: it does not apply to ${JSON.stringify(invocation.command)}`,
      );
    }
    return { ctx: { ...ctx, root: resolveRoot(invocation) } };
  } catch (err) {
    return { code: reportError(ctx, err) };
  }
}

/**
 * Ends a run with an error: a JSON error object on stdout with `--json`, one
 * line on stderr (`file:line:column: message` when the error has a place in
 * a task module), the stack too with `--verbose`.
 *
 * @param ctx Where output goes.
 * @param err What was caught.
 * @returns The exit code of the error.
 */
export function reportError(
  ctx: Pick<RunContext, "json" | "process" | "reporter">,
  err: unknown,
): number {
  const error = toWstError(err);
  if (ctx.json) ctx.process.stdout.write(`${safeJson(error.toJSON())}\n`);
  ctx.reporter.error(errorLine(error));
  if (error.stack !== undefined) ctx.reporter.debug(error.stack);
  return error.exitCode;
}

/**
 * The line a user reads for an error: its message, after the place in the
 * task module where it was thrown when that is known.
 *
 * @param error The error.
 * @returns The text.
 */
export function errorLine(error: WstError): string {
  const at = error.location;
  const line = at === undefined
    ? error.message
    : `${at.file}:${at.line}:${at.column}: ${error.message}`;
  return escapeControls(line);
}

/**
 * A local module that was left out of the registry, as one line:
 * `file[:line:column]: message`.
 *
 * @param problem The problem.
 * @returns The line.
 */
export function problemLine(problem: RegistryProblem): string {
  const where = problem.line === undefined
    ? problem.file
    : `${problem.file}:${problem.line}:${problem.column}`;
  return escapeControls(`${where}: ${problem.message}`);
}

/** A reporter that puts a prefix before every line (a subtask's name). */
export function prefixed(reporter: Reporter, prefix: string): Reporter {
  return prefixReporter(reporter, prefix);
}
