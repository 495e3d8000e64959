// Messages between the host (the CLI) and a task's worker. Private to lib/sandbox.
import type { Permissions } from "../task/permissions.ts";
import type { TaskMeta } from "../task/describe.ts";

export type { TaskMeta };
import type { LogLevel } from "../reporter/mod.ts";

import type { WireError } from "../errors/wire.ts";
export type { WireError };

export type HostMessage =
  /** The first message, on the worker's own channel: carries the port of the protocol. */
  | {
    type: "init";
    /** The run's abort flag (one Int32, 1 once the host aborts): `_abort_gate.ts`. */
    aborted?: SharedArrayBuffer;
  }
  | { type: "describe" }
  | { type: "permissions"; args: Record<string, unknown> }
  | {
    type: "run";
    args: Record<string, unknown>;
    root: string;
    scope: string;
    shellEnv: Record<string, string>;
    hasBinaries: boolean;
    /** The declared binaries (`permissions.run`) → their absolute paths (a missing one: its path). */
    binaries: Record<string, string>;
    /** `permissions.run` as declared (a name not found on PATH included). */
    run: string[];
    /** `permissions.interactive`: a script gets wst's stdin (else none). */
    interactive: boolean;
    /** Env vars from the task's dotenv files (declared ones, not set in wst's env). */
    dotenv: Record<string, string>;
    /** Everything after `--` on the command line (or the caller's `argv`): `ctx.argv`. */
    argv: string[];
    /** Tasks it may start with ctx.runTask. */
    tasks: string[];
  }
  | { type: "abort" }
  | {
    type: "task-result";
    id: number;
    result?: { value: unknown; text: string; failed: boolean };
    error?: WireError;
  };

export type WorkerMessage =
  | { type: "described"; meta: TaskMeta }
  | { type: "permissions"; permissions: Permissions }
  | { type: "log"; level: LogLevel; message: string }
  /** A workflow command of wst's own (`ctx.annotate`), written after the run by a built-in task. */
  | { type: "annotation"; line: string }
  | { type: "progress"; id: number; label: string; total?: number }
  | { type: "tick"; id: number; detail?: string }
  | { type: "progress-done"; id: number; summary?: string }
  | { type: "result"; value: unknown; text: string; failed: boolean }
  | {
    type: "run-task";
    id: number;
    name: string;
    root: string;
    args: Record<string, unknown>;
    argv: string[];
  }
  /** Output of a child the task started with `ctx.script`: text, in order, per stream. */
  | { type: "output"; stream: "stdout" | "stderr"; text: string }
  | { type: "error"; error: WireError };
