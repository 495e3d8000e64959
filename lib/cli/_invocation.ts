// What every CLI invocation sets up before it runs anything: output, reporter,
// root. Shared by the full CLI (main.ts) and a direct run (direct.ts).
import { ExitCode, toWstError } from "../errors/mod.ts";
import { createConsoleReporter, detectOutputEnvironment } from "../reporter/mod.ts";
import type { PrestartedWorker } from "../sandbox/host.ts";
import type { RunContext } from "./_context.ts";
import { resolveRoot } from "./_root.ts";

/** Options of the CLI's entry points, for tests and embedding. */
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

/** One invocation: its context, or the exit code of a root that did not resolve. */
export type Invocation =
  | { readonly ctx: RunContext; readonly fail: (err: unknown) => number }
  | { readonly ctx?: undefined; readonly code: number };

const encoder = new TextEncoder();
const writeTo = (stream: typeof Deno.stdout) => (text: string) => {
  stream.writeSync(encoder.encode(text));
};

/**
 * Sets up an invocation: output streams, the reporter (`--verbose`, TTY,
 * colour), the workspace root, and how an error is reported (a JSON error
 * object on stdout with `--json`, the message on stderr).
 *
 * @param argv The CLI arguments.
 * @param options Where output goes, the abort signal, the prestarted worker.
 * @returns The context and `fail`, or the exit code when the root is unusable (already reported).
 */
export function openInvocation(argv: readonly string[], options: MainOptions): Invocation {
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
  const fail = (err: unknown) => {
    const error = toWstError(err);
    if (json) stdout(`${JSON.stringify(error.toJSON())}\n`);
    reporter.error(error.message);
    return error.exitCode;
  };
  let root: string;
  try {
    root = resolveRoot(argv);
  } catch (err) {
    return { code: fail(err) };
  }
  const ctx: RunContext = {
    process: { stdout: { write: stdout }, stderr: { write: stderr } },
    root,
    reporter,
    signal: options.signal ?? new AbortController().signal,
    prestarted: options.prestarted,
    exit: ExitCode.Success,
  };
  return { ctx, fail };
}
