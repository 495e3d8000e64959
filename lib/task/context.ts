import type { $Type } from "dax";

/** The dax shell given to tasks as `ctx.$`. */
export type Shell = $Type;
import type { Reporter } from "../reporter/mod.ts";

/**
 * What a running task gets from the runner, and nothing global.
 */
export interface TaskContext {
  /** The task's own name. */
  readonly task: string;
  /** Absolute path of the workspace root; declared relative paths are resolved against it. */
  readonly root: string;
  /** Logs and progress; respects `--json`, TTY, `NO_COLOR` and CI. */
  readonly log: Reporter;
  /** Aborted on Ctrl-C or when the runner stops the task; pass it on to long work. */
  readonly signal: AbortSignal;
  /**
   * A dax shell whose commands run in the workspace root, can only start the
   * declared binaries, see only `PATH` and the declared env vars, and are
   * killed when {@linkcode TaskContext.signal} aborts. Using it in a task that
   * declares no binaries throws.
   */
  readonly $: Shell;
  /**
   * Everything after `--` on the command line (`wst test -- -k argocd` gives
   * `["-k", "argocd"]`), as given; a task started with `ctx.runTask` gets the
   * `argv` its caller passes (default: none).
   */
  readonly argv: readonly string[];
  /**
   * Runs a multi-line shell script unchanged with `bash` (declared in
   * `permissions.run` like any binary), with `errexit` and `pipefail` on
   * (`set -e -o pipefail`: the first failing command, or a failing command
   * in a pipeline, ends the script; `set +e` turns that off). It runs in
   * {@linkcode TaskContext.root} (or `cwd`, relative to it, never outside),
   * sees only `PATH`, the declared env vars and `env`, and is killed with
   * everything it started when {@linkcode TaskContext.signal} aborts. Its
   * output is streamed: stdout to wst's stdout (stderr with `--json`), stderr
   * to stderr.
   *
   * @throws {ScriptFailedError} When the script exits with a non-zero code (unless `ignoreError`).
   * @throws {SandboxDeniedError} When `bash` is not declared, or `cwd` leaves the root.
   */
  readonly script: (source: string, options?: ScriptOptions) => Promise<ScriptResult>;
  /**
   * Starts another task (declared in `permissions.tasks`) in its own sandbox,
   * with its own declared permissions, at a root inside this task's root
   * (e.g. a repository under `repos/`, whose `.wst/tasks/` it is looked up in).
   * Its logs are shown prefixed with its name.
   *
   * @throws {SandboxDeniedError} When the task is not declared or the root is outside.
   */
  readonly runTask: (name: string, options?: RunTaskOptions) => Promise<SubtaskResult>;
  /**
   * Writes one GitHub Actions workflow command of wst's own (an `::error`
   * annotation of a failed check), after the run and outside the
   * `::stop-commands::` block that holds everything a task prints. Only
   * built-in tasks' lines are written as commands; another task's line is
   * shown as a log line. Absent outside the CLI (`testContext`).
   */
  readonly annotate?: (line: string) => void;
}

/** How {@linkcode TaskContext.script} runs a script. */
export interface ScriptOptions {
  /** The working folder, relative to the task's root (default: the root); never outside it. */
  cwd?: string;
  /** Env vars added for this script (beyond `PATH` and the declared ones). */
  env?: Record<string, string>;
  /** Resolve with the exit code instead of throwing when the script fails. */
  ignoreError?: boolean;
  /**
   * The script's positional parameters (`$1`…, `"$@"`), as `bash -c <source> bash <args…>`
   * gives them: values reach the script as data, never as shell code (`wst import` turns
   * go-task's `{{.CLI_ARGS}}` and just's variadic parameters into `"$@"` with `ctx.argv`).
   */
  args?: readonly string[];
}

/** What {@linkcode TaskContext.script} resolves to. */
export interface ScriptResult {
  /** The script's exit code: 0, or (with `ignoreError`) the failing code. */
  code: number;
}

/** Where and how {@linkcode TaskContext.runTask} runs a task. */
export interface RunTaskOptions {
  /** The task's workspace root, relative to this task's root (default: the same root). */
  root?: string;
  /** The task's arguments, as flags would give them. */
  args?: Record<string, unknown>;
  /** Its `ctx.argv` (what `--` gives on the command line; default: none). */
  argv?: readonly string[];
}

/** What a task started with {@linkcode TaskContext.runTask} returned. */
export interface SubtaskResult {
  /** Its JSON-serialisable result. */
  value: unknown;
  /** The result rendered for people. */
  text: string;
  /** Whether the result reports a failure. */
  failed: boolean;
}
