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
 * | 3 | sandbox denial: the task reached outside its declared permissions |
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
export type ErrorKind = "task-failed" | "usage" | "config" | "sandbox-denied" | "interrupted";

/**
 * Base class of every error wst reports.
 *
 * @example Throw a task failure with a custom exit code
 * ```ts
 * import { WstError } from "./mod.ts";
 * const err = new WstError("3 targets failed");
 * console.assert(err.exitCode === 1);
 * ```
 */
export class WstError extends Error {
  /** The process exit code this error maps to. */
  readonly exitCode: ExitCode;
  /** The machine-readable kind, used in `--json` output. */
  readonly kind: ErrorKind;

  /**
   * Creates an error with a message for people and an exit code.
   *
   * @param message Sentence case, no final period, values quoted.
   * @param options The exit code and kind (default: task failure) and an optional cause.
   */
  constructor(
    message: string,
    options: { exitCode?: ExitCode; kind?: ErrorKind; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "WstError";
    this.exitCode = options.exitCode ?? ExitCode.TaskFailed;
    this.kind = options.kind ?? "task-failed";
  }

  /** The JSON object printed on stdout with `--json` when this error ends the run. */
  toJSON(): Record<string, unknown> {
    return { error: { kind: this.kind, message: this.message, exitCode: this.exitCode } };
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
  /**
   * Creates a usage error (exit code 2).
   *
   * @param message What was expected and what was found.
   * @param options An optional cause.
   */
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { ...options, exitCode: ExitCode.Usage, kind: "usage" });
    this.name = "UsageError";
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

  /**
   * Creates a configuration error from its issues (exit code 2).
   *
   * @param issues At least one issue.
   */
  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map(formatIssue).join("\n"), { exitCode: ExitCode.Usage, kind: "config" });
    this.name = "ConfigError";
    this.issues = issues;
  }

  /** The `--json` error object, with the extra fields of this error. */
  override toJSON(): Record<string, unknown> {
    return {
      error: {
        kind: this.kind,
        message: this.message,
        exitCode: this.exitCode,
        issues: this.issues,
      },
    };
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

  /**
   * Creates a sandbox denial (exit code 3).
   *
   * @param details The task, the refused operation and the declared scope.
   */
  constructor(details: { task: string; operation: string; scope: string }) {
    super(
      `Task "${details.task}" was refused ${details.operation}: it declares ${details.scope}`,
      { exitCode: ExitCode.SandboxDenied, kind: "sandbox-denied" },
    );
    this.name = "SandboxDeniedError";
    this.task = details.task;
    this.operation = details.operation;
    this.scope = details.scope;
  }

  /** The `--json` error object, with the extra fields of this error. */
  override toJSON(): Record<string, unknown> {
    return {
      error: {
        kind: this.kind,
        message: this.message,
        exitCode: this.exitCode,
        task: this.task,
        operation: this.operation,
        scope: this.scope,
      },
    };
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
