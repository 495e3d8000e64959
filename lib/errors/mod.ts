/**
 * The error types of wst and the exit codes they map to.
 *
 * Every error that reaches the CLI is a {@linkcode WstError}: its `exitCode`
 * is what the process exits with, and its message is what the user reads (no
 * stack trace for a user's mistake).
 *
 * @module
 */

/**
 * The documented, stable exit codes of the `wst` CLI.
 *
 * | code | meaning |
 * | ---- | ------- |
 * | 0 | success |
 * | 1 | the task ran and failed (or reported failures) |
 * | 2 | usage or configuration error: bad flags, unknown task, invalid config file |
 * | 3 | sandbox denial: the task reached outside its declared permissions, or needs the user's approval |
 * | 130 | interrupted (Ctrl-C / SIGINT) |
 */
export const ExitCode = {
  Success: 0,
  TaskFailed: 1,
  Usage: 2,
  SandboxDenied: 3,
  Interrupted: 130,
} as const;

/** One of the values of {@linkcode ExitCode}. */
export type ExitCode = typeof ExitCode[keyof typeof ExitCode];

/** The machine-readable kind of a {@linkcode WstError}, as printed in `--json` error objects. */
export type ErrorKind =
  | "task-failed"
  | "subtask-failed"
  | "usage"
  | "config"
  | "task-definition"
  | "sandbox-denied"
  | "trust-required"
  | "interrupted"
  | "script-failed"
  | "git";

/** Where a wst error keeps its class names (see {@linkcode WstError}'s `instanceof`). */
const ERROR_CLASSES: unique symbol = Symbol.for("@wst/wst.error-classes") as never;

/** The names of a class and of its ancestors up to `Error` (not included). */
function classNames(target: abstract new (...args: never[]) => unknown): string[] {
  const names: string[] = [];
  for (
    let at: unknown = target;
    typeof at === "function" && at !== Error && at !== Function.prototype;
    at = Object.getPrototypeOf(at)
  ) {
    names.push((at as { name: string }).name);
  }
  return names;
}

/**
 * Base class of every error wst reports, and the error of a task that ran
 * and failed (exit code 1). The set of error classes is closed: each class
 * fixes its `kind` and its exit code, so an error keeps both when it crosses
 * from a task's worker to the CLI.
 *
 * | class | kind | exit code |
 * | ----- | ---- | --------- |
 * | `WstError` | `task-failed` | 1 |
 * | `UsageError` | `usage` | 2 |
 * | `ConfigError` | `config` | 2 |
 * | `TaskDefinitionError` | `task-definition` | 2 |
 * | `SandboxDeniedError` | `sandbox-denied` | 3 |
 * | `TrustRequiredError` | `trust-required` | 3 |
 * | `InterruptedError` | `interrupted` | 130 |
 * | `ScriptFailedError` | `script-failed` | 1 |
 * | `GitError` | `git` | 2 |
 *
 * @example Fail a task with a clean message (exit code 1)
 * ```ts
 * import { WstError } from "./mod.ts";
 * const err = new WstError("3 targets failed");
 * console.assert(err.exitCode === 1);
 * ```
 */
export class WstError extends Error {
  /**
   * `instanceof` holds across copies of this module: a task module's
   * `@wst/wst` and the worker runtime's bundle each have their own classes,
   * and an error thrown by one is checked by the other. Every wst error
   * carries the names of its class and their ancestors (a symbol property);
   * an object of another copy is an instance of a class when its names hold
   * that class's name.
   *
   * @param value What is checked.
   * @returns Whether `value` is an instance of this class, of any copy.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    try {
      const classes = (value as { [ERROR_CLASSES]?: unknown } | null)?.[ERROR_CLASSES];
      return Array.isArray(classes) && classes.includes(this.name) && value instanceof Error;
    } catch {
      return false; // a proxy that throws is no wst error
    }
  }

  /** The process exit code this error maps to. */
  readonly exitCode: ExitCode = ExitCode.TaskFailed;
  /** The machine-readable kind, used in `--json` output. */
  readonly kind: ErrorKind = "task-failed";
  /**
   * Where in a task module the error was thrown (the first stack frame in the
   * task's own files), when known.
   */
  location?: SourcePosition;

  /**
   * Creates an error with a message for people.
   *
   * @param message Sentence case, no final period, values quoted.
   * @param options An optional cause.
   */
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "WstError";
    Object.defineProperty(this, ERROR_CLASSES, { value: classNames(new.target) });
  }

  /** The JSON object printed on stdout with `--json` when this error ends the run. */
  toJSON(): Record<string, unknown> {
    return { error: { ...this.details(), ...this.extra() } };
  }

  /** The fields every error object has. */
  protected details(): Record<string, unknown> {
    return {
      kind: this.kind,
      message: this.message,
      exitCode: this.exitCode,
      ...(this.location === undefined ? {} : { location: this.location }),
    };
  }

  /** The fields of a subclass, in `--json` output and on the wire. */
  protected extra(): Record<string, unknown> {
    return {};
  }
}

/**
 * A mistake in how wst was called: unknown task, bad flag, invalid argument.
 * Exits with {@linkcode ExitCode.Usage}.
 *
 * @example
 * ```ts
 * import { UsageError } from "./mod.ts";
 * throw new UsageError('Unknown task "lsit": run "wst list" to see the tasks');
 * ```
 */
export class UsageError extends WstError {
  /** Always {@linkcode ExitCode.Usage}. */
  override readonly exitCode: ExitCode = ExitCode.Usage;
  /** Always `usage`. */
  override readonly kind: ErrorKind = "usage";

  /**
   * Creates a usage error (exit code 2).
   *
   * @param message What was expected and what was found.
   * @param options An optional cause.
   */
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "UsageError";
  }
}

/**
 * Git could not give a complete, trustworthy answer: a missing base (a shallow
 * clone), a failed command, output too large to read whole. Whatever needed
 * the answer fails closed with {@linkcode ExitCode.Usage}, never passes.
 *
 * @example
 * ```ts
 * import { GitError } from "./mod.ts";
 * const err = new GitError("The base origin/main is not in this clone");
 * console.assert(err.exitCode === 2);
 * ```
 */
export class GitError extends WstError {
  /** Always {@linkcode ExitCode.Usage}. */
  override readonly exitCode: ExitCode = ExitCode.Usage;
  /** Always `git`. */
  override readonly kind: ErrorKind = "git";

  /**
   * Creates a git error (exit code 2).
   *
   * @param message What git could not do, and what to do about it.
   * @param options An optional cause.
   */
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = "GitError";
  }
}

/** Where in a file a problem is: 1-based line and column. */
export interface SourcePosition {
  /** Path of the file, as given to the user (relative to the workspace root where possible). */
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

/**
 * One problem found in a configuration file (or a file or folder that could
 * not be read at all: then `line` and `column` are absent).
 */
export interface ConfigIssue {
  /** Path of the file, as given to the user (relative to the workspace root where possible). */
  file: string;
  /** 1-based line, when the problem has a place in the file. */
  line?: number;
  /** 1-based column, when the problem has a place in the file. */
  column?: number;
  /** Path inside the document, e.g. `workspaces[1].internalFolder`; empty when none. */
  path: string;
  /** What is wrong: what was expected and what was found. */
  message: string;
}

/**
 * An invalid or malformed configuration file. Carries every issue found, each
 * with file, line, column and the path inside the document. Exits with
 * {@linkcode ExitCode.Usage}.
 *
 * @example
 * ```ts
 * import { ConfigError } from "./mod.ts";
 * const err = new ConfigError([{
 *   file: "workspaces.yaml", line: 3, column: 5, path: "version",
 *   message: 'Expected "v1", found "v2"',
 * }]);
 * console.assert(err.message.startsWith("workspaces.yaml:3:5"));
 * ```
 */
export class ConfigError extends WstError {
  /** Every issue, in document order. */
  readonly issues: readonly ConfigIssue[];

  /** Always {@linkcode ExitCode.Usage}. */
  override readonly exitCode: ExitCode = ExitCode.Usage;
  /** Always `config`. */
  override readonly kind: ErrorKind = "config";

  /**
   * Creates a configuration error from its issues (exit code 2).
   *
   * @param issues At least one issue.
   */
  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map(formatIssue).join("\n"));
    this.name = "ConfigError";
    this.issues = issues;
  }

  /** The issues, in `--json` output and on the wire. */
  protected override extra(): Record<string, unknown> {
    return { issues: this.issues };
  }
}

/**
 * Formats one issue the way compilers do: `file:line:column: path: message`.
 *
 * @param issue The issue to format.
 * @returns One line of text.
 * @example
 * ```ts
 * import { formatIssue } from "./mod.ts";
 * formatIssue({ file: "a.yaml", line: 1, column: 2, path: "x", message: "Expected a string" });
 * // "a.yaml:1:2: x: Expected a string"
 * ```
 */
export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined
    ? issue.file
    : `${issue.file}:${issue.line}:${issue.column ?? 1}`;
  return issue.path ? `${where}: ${issue.path}: ${issue.message}` : `${where}: ${issue.message}`;
}

/**
 * A task reached outside the permissions it declared. Names the task, the
 * operation that was refused and the declared scope. Exits with
 * {@linkcode ExitCode.SandboxDenied}.
 *
 * @example
 * ```ts
 * import { SandboxDeniedError } from "./mod.ts";
 * const err = new SandboxDeniedError({
 *   task: "validate-config",
 *   operation: 'read access to "/etc/passwd"',
 *   scope: "read: [workspaces.yaml]",
 * });
 * console.assert(err.exitCode === 3);
 * ```
 */
export class SandboxDeniedError extends WstError {
  /** The task that was refused. */
  readonly task: string;
  /** The refused operation, e.g. `read access to "/etc/passwd"`. */
  readonly operation: string;
  /** The declared scope, summarised. */
  readonly scope: string;

  /** Always {@linkcode ExitCode.SandboxDenied}. */
  override readonly exitCode: ExitCode = ExitCode.SandboxDenied;
  /** Always `sandbox-denied`. */
  override readonly kind: ErrorKind = "sandbox-denied";

  /**
   * Creates a sandbox denial (exit code 3).
   *
   * @param details The task, the refused operation and the declared scope.
   */
  constructor(details: { task: string; operation: string; scope: string }) {
    super(`Task "${details.task}" was refused ${details.operation}: it declares ${details.scope}`);
    this.name = "SandboxDeniedError";
    this.task = details.task;
    this.operation = details.operation;
    this.scope = details.scope;
  }

  /** The task, operation and scope, in `--json` output and on the wire. */
  protected override extra(): Record<string, unknown> {
    return { task: this.task, operation: this.operation, scope: this.scope };
  }
}

/** JSON quoting, with the bidirectional overrides escaped too (they can make text read as other text). */
function quote(text: string): string {
  return JSON.stringify(text).replace(
    /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Per kind, what a task's permissions reach beyond its repository (`read`, `write`, `run`, `env`, `net`). */
export type ReachLists = Partial<Record<"read" | "write" | "run" | "env" | "net", string[]>>;

/**
 * A local task whose permissions reach beyond its repository (paths outside
 * its root, `run`, `env`, `net`) and that the user has not approved, or whose
 * permissions grew beyond what they approved. Names the task, what needs
 * approval and the `wst trust` command that approves it. A
 * {@linkcode SandboxDeniedError}: exits with {@linkcode ExitCode.SandboxDenied}.
 *
 * @example
 * ```ts
 * import { TrustRequiredError } from "./mod.ts";
 * const err = new TrustRequiredError({
 *   task: "deploy", file: ".wst/tasks/deploy.ts", root: "/repo",
 *   needs: { net: ["api.example.com"] }, grown: false,
 *   scope: 'net: ["api.example.com"]', command: "wst trust deploy --root /repo",
 * });
 * console.assert(err.exitCode === 3);
 * ```
 */
export class TrustRequiredError extends SandboxDeniedError {
  /** Always `trust-required`. */
  override readonly kind: ErrorKind = "trust-required";
  /** The task's module, relative to its root. */
  readonly file: string;
  /** The task's root (real path). */
  readonly root: string;
  /** What was never approved. */
  readonly needs: ReachLists;
  /** Whether an approval exists that the permissions grew beyond. */
  readonly grown: boolean;
  /**
   * The command that records the approval; null when `wst trust` cannot (the permissions come
   * from arguments the run was given, and the defaults' do not cover them).
   */
  readonly command: string | null;

  /**
   * Creates the error (exit code 3).
   *
   * @param details The task, its module and root, what needs approval, the reach of
   *   the run as one line (`scope`) and the approving command.
   */
  constructor(details: {
    task: string;
    file: string;
    root: string;
    needs: ReachLists;
    grown: boolean;
    scope: string;
    command: string | null;
    /** The user was asked on the terminal and said no. */
    refused?: boolean;
  }) {
    super({
      task: details.task,
      operation: "a run without the user's approval",
      scope: details.scope,
    });
    this.name = "TrustRequiredError";
    this.file = details.file;
    this.root = details.root;
    this.needs = details.needs;
    this.grown = details.grown;
    this.command = details.command;
    const needs = Object.entries(details.needs).map(([kind, list]) =>
      `${kind}: [${list.map(quote).join(", ")}]`
    ).join(", ");
    const what = `Task ${JSON.stringify(details.task)} (${details.file}) ${
      details.grown
        ? "reaches further beyond the repository than you approved"
        : "reaches beyond the repository and needs your approval"
    }: ${needs}.`;
    this.message = details.refused === true
      ? `${what} Not approved: it did not run` +
        (details.command === null ? "" : ` (to approve it later: ${details.command})`)
      : `${what} ${
        details.command === null
          ? "Its permissions come from the arguments given, which `wst trust` cannot take: " +
            "run the same command on a terminal to be asked"
          : `Approve it with: ${details.command} (or run it on a terminal to be asked`
      }${details.command === null ? " (" : "; "}--trust or WST_TRUST=1 approves one run ` +
        "without recording it)";
  }

  /** The denial's fields, and the module, root, what needs approval and the command. */
  protected override extra(): Record<string, unknown> {
    return {
      ...super.extra(),
      file: this.file,
      root: this.root,
      needs: this.needs,
      grown: this.grown,
      command: this.command,
    };
  }
}

/**
 * A run stopped by Ctrl-C (SIGINT) or SIGTERM. Exits with
 * {@linkcode ExitCode.Interrupted}.
 *
 * @example
 * ```ts
 * import { InterruptedError } from "./mod.ts";
 * console.assert(new InterruptedError('Task "build" was interrupted').exitCode === 130);
 * ```
 */
export class InterruptedError extends WstError {
  /** Always {@linkcode ExitCode.Interrupted}. */
  override readonly exitCode: ExitCode = ExitCode.Interrupted;
  /** Always `interrupted`. */
  override readonly kind: ErrorKind = "interrupted";

  /**
   * Creates an interruption (exit code 130).
   *
   * @param message What was interrupted.
   */
  constructor(message: string) {
    super(message);
    this.name = "InterruptedError";
  }
}

/**
 * A task started with `ctx.runTask` (or a dependency in `deps`) failed. Names
 * the task and the kind of its own error (`task-failed`, `config`, `usage`,
 * `task-definition`), so a caller can catch it and keep going (go-task's
 * `ignore_error`). Exits with {@linkcode ExitCode.TaskFailed} when nobody
 * catches it. A subtask's sandbox denial (exit code 3) and an interruption
 * (130) are not turned into this error: a caller cannot hide them.
 *
 * @example
 * ```ts
 * import { SubtaskFailedError } from "./mod.ts";
 * const err = new SubtaskFailedError({ task: "lint", subtaskKind: "task-failed", message: "2 files" });
 * console.assert(err.exitCode === 1 && err.task === "lint");
 * ```
 */
export class SubtaskFailedError extends WstError {
  /** Always `subtask-failed`. */
  override readonly kind: ErrorKind = "subtask-failed";
  /** The task that failed. */
  readonly task: string;
  /** The kind of the task's own error (`task-failed`, `config`, …). */
  readonly subtaskKind: ErrorKind;
  /** The task's own error message. */
  readonly reason: string;

  /**
   * Creates the error (exit code 1).
   *
   * @param details The task, the kind of its error and its message.
   */
  constructor(details: { task: string; subtaskKind: ErrorKind; message: string }) {
    super(`Task ${JSON.stringify(details.task)} failed: ${details.message}`);
    this.name = "SubtaskFailedError";
    this.task = details.task;
    this.subtaskKind = details.subtaskKind;
    this.reason = details.message;
  }

  /** The task, the kind of its error and its message, in `--json` output and on the wire. */
  protected override extra(): Record<string, unknown> {
    return { task: this.task, subtaskKind: this.subtaskKind, reason: this.reason };
  }
}

/**
 * A script run with `ctx.script` that exited with a non-zero code (exit code
 * 1): names the task, the script's first line and the script's exit code. A
 * task can catch it to keep going (or pass `ignoreError`).
 *
 * @example
 * ```ts
 * import { ScriptFailedError } from "./mod.ts";
 * const err = new ScriptFailedError({ task: "build", line: "make all", code: 2 });
 * console.assert(err.exitCode === 1 && err.code === 2);
 * ```
 */
export class ScriptFailedError extends WstError {
  /** Always `script-failed` (exit code 1). */
  override readonly kind: ErrorKind = "script-failed";
  /** The task whose script failed. */
  readonly task: string;
  /** The script's first non-empty line, shortened. */
  readonly line: string;
  /** The script's exit code (128 + n when a signal n ended it). */
  readonly code: number;

  /**
   * Creates a script failure (exit code 1).
   *
   * @param details The task, the script's first line and its exit code.
   */
  constructor(details: { task: string; line: string; code: number }) {
    super(
      `Task ${JSON.stringify(details.task)}: the script ${
        JSON.stringify(details.line)
      } exited with code ${details.code}`,
    );
    this.name = "ScriptFailedError";
    this.task = details.task;
    this.line = details.line;
    this.code = details.code;
  }

  /** The task, the script's first line and its exit code, in `--json` output and on the wire. */
  protected override extra(): Record<string, unknown> {
    return { task: this.task, line: this.line, code: this.code };
  }
}

/** One field of a task module's default export that is not what wst expects. */
export interface DefinitionProblem {
  /** The field, e.g. `name` or `permissions.read`. */
  field: string;
  /** What was expected and what was found. */
  message: string;
}

/**
 * A task module whose default export is not a valid task definition. Names
 * the module and lists every bad field. Exits with {@linkcode ExitCode.Usage}.
 *
 * @example
 * ```ts
 * import { TaskDefinitionError } from "./mod.ts";
 * const err = new TaskDefinitionError(".wst/tasks/x.ts", [
 *   { field: "description", message: "Expected a one-line string, found undefined" },
 * ]);
 * console.assert(err.exitCode === 2);
 * ```
 */
export class TaskDefinitionError extends WstError {
  /** Always {@linkcode ExitCode.Usage}. */
  override readonly exitCode: ExitCode = ExitCode.Usage;
  /** Always `task-definition`. */
  override readonly kind: ErrorKind = "task-definition";
  /** The module's path (relative to the workspace root where possible). */
  readonly file: string;
  /** Every bad field. */
  readonly problems: readonly DefinitionProblem[];

  /**
   * Creates a task definition error (exit code 2).
   *
   * @param file The module's path.
   * @param problems At least one bad field.
   */
  constructor(file: string, problems: readonly DefinitionProblem[]) {
    super(
      `${file}: not a valid task definition: ${
        problems.map((p) => `${p.field}: ${p.message}`).join("; ")
      }`,
    );
    this.name = "TaskDefinitionError";
    this.file = file;
    this.problems = problems;
  }

  /** The module and its problems, in `--json` output and on the wire. */
  protected override extra(): Record<string, unknown> {
    return { file: this.file, problems: this.problems };
  }
}

/**
 * Turns anything thrown into a {@linkcode WstError}: a `WstError` is returned
 * as it is; anything else becomes a task failure carrying its message.
 *
 * @param err What was caught.
 * @returns A `WstError`.
 * @example
 * ```ts
 * import { toWstError } from "./mod.ts";
 * console.assert(toWstError(new Error("boom")).exitCode === 1);
 * ```
 */
export function toWstError(err: unknown): WstError {
  if (err instanceof WstError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new WstError(message, { cause: err });
}

export { flagName, formatPath, formatZodIssues } from "./zod_issues.ts";
