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
  // CONTRACT (issue #14, added as types only by the importers part so that generated modules
  // type-check; the script part owns `argv` and `script`: reconcile at merge).
  /** Everything after `--` on the command line (go-task's `CLI_ARGS`). */
  readonly argv: readonly string[];
  /**
   * Runs a multi-line script with `bash` (declared in `permissions.run`),
   * streaming its output.
   *
   * @throws When the script exits non-zero, unless `ignoreError`.
   */
  readonly script: (source: string, options?: ScriptOptions) => Promise<{ code: number }>;
}

/** Options of {@linkcode TaskContext.script} (CONTRACT, issue #14: script part). */
export interface ScriptOptions {
  /** Working folder, relative to the task's root. */
  cwd?: string;
  /** Env vars given to the script, on top of `PATH` and the declared ones. */
  env?: Record<string, string>;
  /** Resolve with the exit code instead of throwing on a non-zero exit. */
  ignoreError?: boolean;
  /**
   * The script's positional parameters (`$1`…, `"$@"`), as in
   * `bash -c <source> bash <args…>`. PROPOSED by the importers part, beyond the
   * contract: `{{.CLI_ARGS}}` and just's variadic parameters become `"$@"`.
   */
  args?: readonly string[];
}

/** Where and how {@linkcode TaskContext.runTask} runs a task. */
export interface RunTaskOptions {
  /** The task's workspace root, relative to this task's root (default: the same root). */
  root?: string;
  /** The task's arguments, as flags would give them. */
  args?: Record<string, unknown>;
  /** The subtask's `ctx.argv` (CONTRACT, issue #14: graph part). */
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
