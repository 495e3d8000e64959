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
}
