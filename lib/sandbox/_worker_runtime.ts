// Runs inside a task's worker: answers the host's messages for one task
// definition. The worker was created with exactly the task's permissions.
import { ExitCode, SandboxDeniedError, toWstError, UsageError, WstError } from "../errors/mod.ts";
import type { SubtaskResult, TaskContext } from "../task/context.ts";
import type { TaskDefinition } from "../task/define.ts";
import { asTaskDefinition, taskMeta } from "../task/describe.ts";
import { permissionsSchema } from "../task/permissions.ts";
import type { Progress, Reporter } from "../reporter/mod.ts";
import type { HostMessage, WireError, WorkerMessage } from "./_protocol.ts";
import { refusedOperation } from "./_denial.ts";
import { formatZodIssues } from "../errors/zod_issues.ts";
import * as z from "../zod.ts";

// A worker parses each schema a few times at most: zod's compiled fast path
// (`new Function` per object schema) costs more to build than it saves (~3 ms).
z.config({ jitless: true });

// deno-lint-ignore no-explicit-any
type AnyTask = TaskDefinition<any, unknown>;

/** The worker's global scope (the file is type-checked with the window globals). */
const scope = self as unknown as {
  postMessage(message: WorkerMessage): void;
  onmessage: ((event: MessageEvent<HostMessage>) => void) | null;
};
const post = (message: WorkerMessage) => scope.postMessage(message);

/**
 * Serves one task definition inside its worker.
 *
 * @param definition The task module's default export.
 */
export function serve(definition: unknown): void {
  const controller = new AbortController();
  scope.onmessage = async (event: MessageEvent<HostMessage>) => {
    const message = event.data;
    try {
      const task = asTaskDefinition(definition);
      switch (message.type) {
        case "describe":
          post({ type: "described", meta: taskMeta(task) });
          break;
        case "permissions": {
          const args = parseArgs(task, message.args);
          post({ type: "permissions", permissions: permissionsFor(task, args) });
          break;
        }
        case "run":
          await run(task, message, controller.signal);
          break;
        case "abort":
          controller.abort(new WstError("Interrupted", { exitCode: ExitCode.Interrupted }));
          break;
        case "task-result":
          settleSubtask(message);
          break;
      }
    } catch (err) {
      post({ type: "error", error: toWire(err) });
    }
  };
}

function parseArgs(task: AnyTask, raw: Record<string, unknown>): unknown {
  const result = z.safeParse(task.args, raw);
  if (!result.success) throw new UsageError(formatZodIssues(result.error.issues, "flag"));
  return result.data;
}

function permissionsFor(task: AnyTask, args: unknown) {
  const declared = typeof task.permissions === "function"
    ? task.permissions(args)
    : task.permissions;
  return permissionsSchema.parse(declared);
}

async function run(
  task: AnyTask,
  message: Extract<HostMessage, { type: "run" }>,
  signal: AbortSignal,
): Promise<void> {
  const args = parseArgs(task, message.args);
  const $ = message.hasBinaries
    ? await createShell(message.root, message.shellEnv, signal)
    : noShell(task.name, message.scope);
  const ctx: TaskContext = {
    task: task.name,
    root: message.root,
    log: workerReporter(),
    signal,
    $,
    runTask: (name, options = {}) => {
      if (!message.tasks.includes(name)) {
        throw new SandboxDeniedError({
          task: task.name,
          operation: `starting task ${JSON.stringify(name)}`,
          scope: message.scope,
        });
      }
      return requestSubtask(name, options.root ?? ".", options.args ?? {});
    },
  };
  const value = await task.run(ctx, args);
  const text = task.render ? task.render(value) : JSON.stringify(value, null, 2);
  post({ type: "result", value, text, failed: task.failed?.(value) ?? false });
}

/** Subtasks started with ctx.runTask, waiting for the host's answer. */
const subtasks = new Map<
  number,
  { resolve: (r: SubtaskResult) => void; reject: (e: unknown) => void }
>();
let nextSubtask = 0;

function requestSubtask(
  name: string,
  root: string,
  args: Record<string, unknown>,
): Promise<SubtaskResult> {
  const id = nextSubtask++;
  return new Promise((resolve, reject) => {
    subtasks.set(id, { resolve, reject });
    post({ type: "run-task", id, name, root, args });
  });
}

function settleSubtask(message: Extract<HostMessage, { type: "task-result" }>): void {
  const pending = subtasks.get(message.id);
  if (pending === undefined) return;
  subtasks.delete(message.id);
  if (message.result) pending.resolve(message.result);
  else pending.reject(fromWireError(message.error!));
}

/** A subtask's error, as the class it was on the host, so callers can tell kinds apart. */
function fromWireError(error: WireError): WstError {
  if (error.kind === "sandbox-denied") {
    return new WstError(error.message, { exitCode: ExitCode.SandboxDenied, kind: error.kind });
  }
  return new WstError(error.message, {
    exitCode: error.exitCode as ExitCode,
    kind: error.kind as WstError["kind"],
  });
}

async function createShell(root: string, env: Record<string, string>, signal: AbortSignal) {
  const { build$, CommandBuilder } = await import("dax");
  const builder = new CommandBuilder().clearEnv().env(env).cwd(root).signal(signal);
  return build$({ commandBuilder: builder });
}

function noShell(task: string, scope: string): TaskContext["$"] {
  const refuse = () => {
    throw new SandboxDeniedError({ task, operation: "use of ctx.$ (run access)", scope });
  };
  return new Proxy(refuse, { get: refuse, apply: refuse }) as unknown as TaskContext["$"];
}

function workerReporter(): Reporter {
  let nextId = 0;
  const log = (level: "debug" | "info" | "warn" | "error") => (message: string) =>
    post({ type: "log", level, message });
  return {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    progress(label, total): Progress {
      const id = nextId++;
      post(
        total === undefined
          ? { type: "progress", id, label }
          : { type: "progress", id, label, total },
      );
      return {
        tick: (detail) =>
          post(detail === undefined ? { type: "tick", id } : { type: "tick", id, detail }),
        done: (summary) =>
          post(
            summary === undefined
              ? { type: "progress-done", id }
              : { type: "progress-done", id, summary },
          ),
      };
    },
  };
}

function toWire(err: unknown): WireError {
  const operation = refusedOperation(err);
  if (operation !== undefined) {
    return {
      kind: "sandbox-denied",
      message: operation,
      exitCode: ExitCode.SandboxDenied,
      operation,
    };
  }
  if (err instanceof SandboxDeniedError) {
    return {
      kind: err.kind,
      message: err.message,
      exitCode: err.exitCode,
      operation: err.operation,
    };
  }
  const wst = toWstError(err);
  const json = wst.toJSON().error as { issues?: unknown[] };
  const wire: WireError = { kind: wst.kind, message: wst.message, exitCode: wst.exitCode };
  if (json.issues !== undefined) wire.issues = json.issues;
  return wire;
}
