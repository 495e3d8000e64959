/**
 * Running a task's `run` in-process, for unit tests of task modules: no
 * worker, no sandbox, a reporter that records what the task logs.
 *
 * @module
 */
import type { Progress, Reporter } from "../reporter/mod.ts";
import type { Shell, TaskContext } from "./context.ts";
import type { ArgsOf, ArgsSchema, TaskDefinition } from "./define.ts";
import * as z from "../zod.ts";
import { asTaskDefinition } from "./describe.ts";

/** A line the task logged, or a progress event. */
export interface LoggedLine {
  /** The log level, or `progress` for a progress event. */
  level: "debug" | "info" | "warn" | "error" | "progress";
  /** The text. */
  message: string;
}

/** A {@linkcode TaskContext} for tests, and what the task logged through it. */
export interface TestContext {
  /** Pass this to the task's `run`. */
  readonly ctx: TaskContext;
  /** Every line logged so far, in order. */
  readonly logs: LoggedLine[];
}

/** Options of {@linkcode testContext}. */
export interface TestContextOptions {
  /** The workspace root (absolute). */
  root: string;
  /** The task's name, for messages (default `"test"`). */
  task?: string;
  /** The `ctx.$` shell; by default using it throws. */
  $?: Shell;
  /** Abort signal (default: never aborted). */
  signal?: AbortSignal;
  /** `ctx.runTask`; by default using it throws. */
  runTask?: TaskContext["runTask"];
  /** `ctx.script` (CONTRACT, issue #14); by default using it throws. */
  script?: TaskContext["script"];
  /** `ctx.argv` (CONTRACT, issue #14); default none. */
  argv?: readonly string[];
  /** The module's path, named when the definition is not valid. */
  file?: string;
}

/**
 * Builds a task context for a unit test: the given root, a recording
 * reporter, an optional shell. Nothing is sandboxed: test the sandbox
 * end to end through the CLI.
 *
 * @param options Root, task name, shell and signal.
 * @returns The context and the recorded log lines.
 */
export function testContext(options: TestContextOptions): TestContext {
  const logs: LoggedLine[] = [];
  const line = (level: LoggedLine["level"]) => (message: string) => {
    logs.push({ level, message });
  };
  const log: Reporter = {
    debug: line("debug"),
    info: line("info"),
    warn: line("warn"),
    error: line("error"),
    progress(label: string, total?: number): Progress {
      line("progress")(`${label}${total === undefined ? "" : ` (${total})`}`);
      return {
        tick: (detail?: string) => line("progress")(`${label}: ${detail ?? "tick"}`),
        done: (summary?: string) =>
          line("progress")(`${label}: done${summary ? ` ${summary}` : ""}`),
      };
    },
  };
  const noShell = () => {
    throw new Error("ctx.$ is not available in this test: pass testContext({ $ })");
  };
  const ctx: TaskContext = {
    task: options.task ?? "test",
    root: options.root,
    log,
    signal: options.signal ?? new AbortController().signal,
    $: options.$ ?? (new Proxy(noShell, { get: noShell, apply: noShell }) as unknown as Shell),
    runTask: options.runTask ?? (() => {
      throw new Error("ctx.runTask is not available in this test: pass testContext({ runTask })");
    }),
    argv: options.argv ?? [],
    script: options.script ?? (() => {
      throw new Error("ctx.script is not available in this test: pass testContext({ script })");
    }),
  };
  return { ctx, logs };
}

/**
 * Parses raw arguments with the task's schema (defaults applied) and runs
 * it in-process with {@linkcode testContext}.
 *
 * @param task The task definition.
 * @param raw Raw arguments, as flags would give them.
 * @param options The test context's options.
 * @returns The task's result, whether it reports a failure, and the recorded log lines.
 */
export async function runTask<S extends ArgsSchema, R>(
  task: TaskDefinition<S, R>,
  raw: Record<string, unknown>,
  options: TestContextOptions,
): Promise<{ value: R; failed: boolean; logs: LoggedLine[] }> {
  const valid = asTaskDefinition(task, options.file ?? "the task module");
  const { ctx, logs } = testContext({ task: task.name, ...options });
  const args = z.parse(valid.args, raw) as ArgsOf<S>;
  const value = await task.run(ctx, args);
  return { value, failed: task.failed?.(value) ?? false, logs };
}
