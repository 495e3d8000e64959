// One encoding of errors between a task's worker and the host, both ways: it
// round-trips the class (and so the kind and exit code), the message, the
// class's own fields, where in the task module it was thrown, and the stack.
import {
  ConfigError,
  type ConfigIssue,
  type DefinitionProblem,
  type ErrorKind,
  GitError,
  InterruptedError,
  type ReachLists,
  SandboxDeniedError,
  ScriptFailedError,
  type SourcePosition,
  SubtaskFailedError,
  TaskDefinitionError,
  TrustRequiredError,
  UsageError,
  WstError,
} from "./mod.ts";

/** An error crossing the worker boundary. */
export interface WireError {
  kind: ErrorKind;
  message: string;
  /** The stack, as the task saw it (shown with `--verbose`). */
  stack?: string;
  /** Where in the task's own files it was thrown: an absolute path. */
  location?: SourcePosition;
  /** Set when loading the task's module failed (not running it). */
  loading?: boolean;
  issues?: ConfigIssue[];
  task?: string;
  operation?: string;
  scope?: string;
  file?: string;
  problems?: DefinitionProblem[];
  root?: string;
  needs?: ReachLists;
  grown?: boolean;
  command?: string | null;
  subtaskKind?: ErrorKind;
  reason?: string;

  line?: string;
  code?: number;
}

// deno-lint-ignore no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/**
 * A message without the colour codes Deno puts in some of its own (a failed
 * import names the importing file in colour).
 *
 * @param text The text.
 * @returns The text without SGR sequences.
 */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/**
 * Encodes anything thrown. A `WstError` keeps its class; anything else is a
 * task failure whose message names its type when that says something
 * (`TypeError: …`).
 *
 * @param err What was caught.
 * @param isOwnFile Whether a stack frame's `file:` URL belongs to the task
 *   (not to wst or a dependency): the first such frame is the location.
 * @returns The encoded error.
 */
export function encodeError(err: unknown, isOwnFile?: (url: string) => boolean): WireError {
  const error = err instanceof WstError ? err : undefined;
  const native = err instanceof Error ? err : undefined;
  let message = error?.message ?? native?.message ?? String(err);
  if (error === undefined && native !== undefined && native.name !== "Error") {
    message = `${native.name}: ${message}`;
  }
  const wire: WireError = {
    ...fieldsOf(error),
    kind: typeof error?.kind === "string" ? error.kind : "task-failed",
    message: stripAnsi(String(message)),
  } as WireError;
  delete (wire as { exitCode?: unknown }).exitCode;
  const stack = native?.stack === undefined ? undefined : stripAnsi(native.stack);
  if (stack !== undefined) wire.stack = stack;
  // Deno names the importing line of a failed import in the message, not in the stack.
  const location = error?.location ??
    (isOwnFile ? locate(`${stack ?? ""}\n${native?.message ?? ""}`, isOwnFile) : undefined);
  if (location !== undefined) wire.location = location;
  else delete wire.location;
  return wire;
}

/**
 * A wst error's own fields for the wire. An error of another copy of the
 * classes (a task module's `@wst/wst`) is one by its mark alone, which task
 * code can put on anything: what its `toJSON` gives is taken only when it is
 * a plain record (the host decodes fields of the wrong shape as a plain failure).
 */
function fieldsOf(error: WstError | undefined): Record<string, unknown> {
  if (error === undefined) return {};
  try {
    const fields = (error.toJSON() as { error?: unknown }).error;
    return typeof fields === "object" && fields !== null ? { ...fields } : {};
  } catch {
    return {};
  }
}

/**
 * Decodes an error into its class.
 *
 * A worker's error is task-controlled: fields of the wrong shape (a task's
 * own `toJSON`) make a plain task failure with its message, never an
 * exception in the host.
 *
 * @param wire The encoded error.
 * @param relative Makes an absolute path relative for messages (to the workspace root).
 * @returns The error, with its location and stack.
 */
export function decodeError(wire: WireError, relative: (path: string) => string): WstError {
  try {
    return decodeFields(wire, relative);
  } catch {
    const message = typeof wire?.message === "string" ? wire.message : "";
    return new WstError(message || "The task failed with an error wst cannot read");
  }
}

function decodeFields(wire: WireError, relative: (path: string) => string): WstError {
  let error: WstError;
  switch (wire.kind) {
    case "usage":
      error = new UsageError(wire.message);
      break;
    case "config":
      error = new ConfigError(wire.issues ?? []);
      break;
    case "git":
      error = new GitError(wire.message);
      break;
    case "task-definition":
      error = new TaskDefinitionError(relative(wire.file ?? ""), wire.problems ?? []);
      break;
    case "sandbox-denied":
      error = new SandboxDeniedError({
        task: wire.task ?? "",
        operation: wire.operation ?? wire.message,
        scope: wire.scope ?? "",
      });
      break;
    case "trust-required":
      error = new TrustRequiredError({
        task: wire.task ?? "",
        file: wire.file ?? "",
        root: wire.root ?? "",
        needs: wire.needs ?? {},
        grown: wire.grown ?? false,
        scope: wire.scope ?? "",
        command: wire.command ?? null,
      });
      break;
    case "interrupted":
      error = new InterruptedError(wire.message);
      break;
    case "subtask-failed":
      error = new SubtaskFailedError({
        task: wire.task ?? "",
        subtaskKind: wire.subtaskKind ?? "task-failed",
        message: wire.reason ?? wire.message,
      });
      break;
    case "script-failed":
      error = new ScriptFailedError({
        task: wire.task ?? "",
        line: wire.line ?? "",
        code: wire.code ?? 1,
      });
      break;
    default:
      error = new WstError(wire.message);
  }
  if (wire.location !== undefined) {
    error.location = { ...wire.location, file: relative(wire.location.file) };
  }
  if (wire.stack !== undefined) error.stack = wire.stack;
  return error;
}

const FRAME = /(file:\/\/[^\s()]+):(\d+):(\d+)/;

/**
 * The first stack frame in the task's own files.
 *
 * @param stack An error's stack.
 * @param isOwnFile Whether a `file:` URL is the task's.
 * @returns File (absolute path), line and column, or undefined.
 */
export function locate(
  stack: string,
  isOwnFile: (url: string) => boolean,
): SourcePosition | undefined {
  for (const line of stack.split("\n")) {
    if (!line.trimStart().startsWith("at ")) continue;
    const match = FRAME.exec(line);
    if (match === null || !isOwnFile(match[1]!)) continue;
    let file: string;
    try {
      file = decodeURIComponent(new URL(match[1]!).pathname);
    } catch {
      continue;
    }
    return { file, line: Number(match[2]), column: Number(match[3]) };
  }
  return undefined;
}
