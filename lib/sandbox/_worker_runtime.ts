// Runs inside a task's worker: answers the host's messages for one task
// definition. The worker was created with exactly the task's permissions
// (plus, while a local module loads, read access to its own `.wst/` folder
// and to wst's modules, revoked before anything of the task runs).
//
// Before the task's module is evaluated, this module takes over everything
// that would let the task escape the protocol: `Deno.exit` and `self.close`
// fail the task instead of ending the worker (the host would wait forever),
// an uncaught error or unhandled rejection fails it, and `console` writes to
// stderr only (stdout carries exactly one document under `--json`).
import { InterruptedError, SandboxDeniedError, UsageError, WstError } from "../errors/mod.ts";
import { decodeError, encodeError, locate, stripAnsi } from "../errors/wire.ts";
import type { SubtaskResult, TaskContext } from "../task/context.ts";
import { asTaskDefinition, permissionsFor, taskMeta, type ValidTask } from "../task/describe.ts";
import type { Progress, Reporter } from "../reporter/mod.ts";
import type { HostMessage, WireError, WorkerMessage } from "./_protocol.ts";
import { refusedOperation } from "./_denial.ts";
import { formatZodIssues } from "../errors/zod_issues.ts";
import * as z from "../zod.ts";
import { table } from "../reporter/table.ts";
import { constantWorld, INSPECT_PREFIX } from "./_constant_world.ts";
import { runScript } from "./_script.ts";
import { guardChildren } from "./_child_guard.ts";
import {
  awaitVerdict,
  beforeStep,
  listenForSignals,
  takeAbortFlag,
  watchChildren,
} from "./_abort_gate.ts";

// A worker parses each schema a few times at most: zod's compiled fast path
// (`new Function` per object schema) costs more to build than it saves (~3 ms).
z.config({ jitless: true });

/** The worker's global scope (the file is type-checked with the window globals). */
const scope = self as unknown as {
  postMessage(message: WorkerMessage): void;
  onmessage: ((event: MessageEvent<HostMessage>) => void) | null;
  close(): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
};
/**
 * The protocol runs over a port the host sends in its first message, kept in
 * this closure before any task code loads: a task can call `self.postMessage`,
 * but the host ignores the worker's own channel, so it cannot forge a result,
 * an error or its own description.
 */
let send: ((message: WorkerMessage) => void) | undefined;
const queued: WorkerMessage[] = [];
let onHostMessage: (event: MessageEvent<HostMessage>) => void = () => {};
let portArrived: () => void;
const portReady = new Promise<void>((resolve) => (portArrived = resolve));
const post = (message: WorkerMessage) => {
  if (send === undefined) queued.push(message);
  else send(message);
};
scope.onmessage = (event: MessageEvent<HostMessage>) => {
  const port = event.ports[0];
  if (send !== undefined || event.data?.type !== "init" || port === undefined) return;
  send = port.postMessage.bind(port);
  takeAbortFlag(event.data.aborted);
  port.onmessage = (message: MessageEvent<HostMessage>) => onHostMessage(message);
  scope.onmessage = null;
  for (const message of queued.splice(0)) send(message);
  portArrived();
};

/** wst's own files: never the location of a task's error. */
const WST_ROOT = new URL("../../", import.meta.url).href;
/** A dependency: in node_modules or in Deno's npm cache (`…/npm/registry.npmjs.org/…`). */
const DEPENDENCY = /\/node_modules\/|\/npm\/registry\./;
const isTaskFile = (url: string) => !url.startsWith(WST_ROOT) && !DEPENDENCY.test(url);

// Captured before any task code runs: a module could replace them while it loads.
const revokeRead = Deno.permissions.revokeSync.bind(Deno.permissions);
const queryRead = Deno.permissions.querySync.bind(Deno.permissions);

/** Errors of loading the task's module (not of running it). */
const loadFailures = new WeakSet<object>();

let failed = false;
/** Reports an error that ends the task; only the first one counts. */
function fail(err: unknown): void {
  if (failed) return;
  failed = true;
  let error: WireError;
  try {
    const operation = refusedOperation(err);
    const wire = encodeError(err, isTaskFile);
    if (typeof err === "object" && err !== null && loadFailures.has(err)) wire.loading = true;
    error = operation === undefined ? wire : { ...wire, kind: "sandbox-denied", operation };
  } catch {
    // What the task threw cannot be read (a getter that throws): the run still ends, as a failure.
    error = { kind: "task-failed", message: "The task threw a value wst cannot read" };
  }
  post({ type: "error", error });
}

guard();
// A task gets its arguments from wst, parsed: the CLI's own command line says nothing it needs, and
// would tell `wst describe` from a run.
Object.defineProperty(Deno, "args", { value: Object.freeze([]), configurable: false });
if ((self as unknown as { name?: string }).name?.startsWith(INSPECT_PREFIX)) constantWorld();

function guard(): void {
  const escape = (what: string) => {
    const error = new WstError(
      `The task called ${what}: return from run() to finish, or throw an error to fail`,
    );
    fail(error);
    throw error;
  };
  Object.defineProperty(Deno, "exit", {
    value: (code?: number) => escape(`Deno.exit(${code ?? ""})`),
    configurable: false,
    writable: false,
  });
  Object.defineProperty(self, "close", {
    value: () => escape("self.close()"),
    configurable: false,
    writable: false,
  });
  scope.addEventListener("error", (event) => {
    event.preventDefault();
    fail((event as ErrorEvent).error ?? (event as ErrorEvent).message);
  });
  scope.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    fail((event as PromiseRejectionEvent).reason);
  });
  // stdout is the result's: everything console prints goes to stderr.
  Object.defineProperty(Deno, "stdout", { value: Deno.stderr, configurable: false });
  // Deno's count, time* and table print to stdout without going through log.
  const toStderr = console.error.bind(console);
  const counts = new Map<string, number>();
  const timers = new Map<string, number>();
  const elapsed = (label: string) =>
    `${label}: ${(performance.now() - timers.get(label)!).toFixed(3)}ms`;
  Object.assign(console, {
    log: toStderr,
    info: toStderr,
    debug: toStderr,
    dir: toStderr,
    dirxml: toStderr,
    count: (label = "default") => {
      counts.set(label, (counts.get(label) ?? 0) + 1);
      toStderr(`${label}: ${counts.get(label)}`);
    },
    countReset: (label = "default") => counts.set(label, 0),
    time: (label = "default") => timers.set(label, performance.now()),
    timeLog: (label = "default", ...data: unknown[]) => {
      if (timers.has(label)) toStderr(elapsed(label), ...data);
    },
    timeEnd: (label = "default") => {
      if (timers.has(label)) toStderr(elapsed(label));
      timers.delete(label);
    },
    table: (data: unknown) => toStderr(tableText(data)),
  });
}

/** `console.table`'s rows as plain text (Deno's own table only prints to stdout). */
function tableText(data: unknown): unknown {
  if (typeof data !== "object" || data === null) return data;
  const rows = Object.entries(data as Record<string, unknown>);
  const columns = [
    ...new Set(rows.flatMap(([, row]) => typeof row === "object" && row ? Object.keys(row) : [])),
  ];
  const cell = (value: unknown) => typeof value === "string" ? value : Deno.inspect(value);
  const body = rows.map(([key, row]) => [
    key,
    ...(typeof row === "object" && row
      ? columns.map((c) => c in row ? cell((row as Record<string, unknown>)[c]) : "")
      : [cell(row)]),
  ]);
  return table(["(index)", ...(columns.length > 0 ? columns : ["Values"])], body);
}

/**
 * Serves a task definition that is already loaded (a built-in task's bundle
 * imports it statically).
 *
 * @param definition The task module's default export.
 * @param file The module's path, for a bad definition's error.
 */
export function serve(definition: unknown, file = "the task module"): void {
  serveWhenLoaded(Promise.resolve(definition), file);
}

/**
 * Loads a local task module and serves its default export. Loading with a
 * dynamic import turns every load failure (a missing import, a syntax error,
 * an error thrown at the top level) into an error the host reports in one
 * line, where a static import would make Deno print its own trace.
 *
 * @param url The module's `file:` URL.
 * @param loadGrants Read grants the worker has only for loading; revoked after.
 */
export function serveModule(url: string, loadGrants: readonly string[]): void {
  // The module loads only once the port is here: it never sees the host's first message.
  const loaded = portReady.then(() => import(url)).then(
    (mod) => mod.default,
    (err) => {
      const error = err instanceof WstError || !(err instanceof Error) || refusedOperation(err)
        ? err
        : loadError(err);
      if (typeof error === "object" && error !== null) loadFailures.add(error);
      throw error;
    },
  ).finally(() => {
    // The module's code has run by now and may have replaced anything global: only what was
    // captured before it loaded is used, and the result is checked.
    for (let i = 0; i < loadGrants.length; i++) revokeRead({ name: "read", path: loadGrants[i]! });
    for (let i = 0; i < loadGrants.length; i++) {
      if (queryRead({ name: "read", path: loadGrants[i]! }).state === "granted") {
        throw new WstError(`Cannot revoke the load-time read access to "${loadGrants[i]}"`);
      }
    }
  });
  serveWhenLoaded(loaded, decodeURIComponent(new URL(url).pathname));
}

function loadError(err: Error): WstError {
  const message = stripAnsi(err.message);
  // Deno reports a syntax error in an imported module as a TypeError whose message names it.
  const what = err.name === "Error" || /^[A-Za-z]*Error: /.test(message) ? "" : `${err.name}: `;
  const error = new WstError(`Cannot load the task module: ${what}${message.split("\n")[0]}`, {
    cause: err,
  });
  // Deno names the importing line of a failed import in the message, not the stack.
  const location = locate(`${err.stack ?? ""}\n${message}`, isTaskFile);
  if (location !== undefined) error.location = location;
  if (err.stack !== undefined) error.stack = err.stack;
  return error;
}

function serveWhenLoaded(loaded: Promise<unknown>, file: string): void {
  const controller = new AbortController();
  const task = loaded.then((definition) => asTaskDefinition(definition, file));
  // The host may send its message before the module has loaded: wait for it.
  task.catch(fail);
  onHostMessage = async (event: MessageEvent<HostMessage>) => {
    const message = event.data;
    if (message.type === "abort") {
      controller.abort(new InterruptedError("Interrupted"));
      return;
    }
    if (message.type === "task-result") {
      settleSubtask(message);
      return;
    }
    let definition: ValidTask;
    try {
      definition = await task;
    } catch {
      return; // reported once, above
    }
    try {
      switch (message.type) {
        case "describe":
          post({ type: "described", meta: taskMeta(definition, file) });
          break;
        case "permissions": {
          const args = parseArgs(definition, message.args);
          post({ type: "permissions", permissions: permissionsFor(definition, args) });
          break;
        }
        case "run":
          await run(definition, message, controller.signal);
          break;
      }
    } catch (err) {
      fail(err);
    }
  };
}

function parseArgs(task: ValidTask, raw: Record<string, unknown>): unknown {
  const result = z.safeParse(task.args, raw);
  if (!result.success) throw new UsageError(formatZodIssues(result.error.issues, "flag"));
  return result.data;
}

async function run(
  task: ValidTask,
  message: Extract<HostMessage, { type: "run" }>,
  signal: AbortSignal,
): Promise<void> {
  const args = parseArgs(task, message.args);
  guardChildren(message.run, message.binaries, {
    root: message.root,
    path: message.shellEnv.PATH ?? "",
    dotenv: message.dotenv,
  });
  listenForSignals();
  const $ = message.hasBinaries
    ? await createShell(message.root, message.shellEnv, signal)
    : noShell(task.name, message.scope);
  const ctx: TaskContext = {
    task: task.name,
    root: message.root,
    log: workerReporter(),
    annotate: (line) => post({ type: "annotation", line }),
    signal,
    $,
    argv: Object.freeze([...message.argv]),
    script: (source, options) =>
      runScript(source, {
        task: task.name,
        root: message.root,
        scope: message.scope,
        binaries: message.binaries,
        env: message.shellEnv,
        interactive: message.interactive,
        signal,
        output: (stream, text) => post({ type: "output", stream, text }),
      }, options),
    runTask: (name, options = {}) => {
      beforeStep(signal);
      if (!message.tasks.includes(name)) {
        throw new SandboxDeniedError({
          task: task.name,
          operation: `starting task ${JSON.stringify(name)}`,
          scope: message.scope,
        });
      }
      return requestSubtask(
        name,
        options.root ?? ".",
        options.args ?? {},
        [
          ...(options.argv ?? []),
        ].map(String),
      );
    },
  };
  let returned: unknown;
  try {
    returned = await task.run(ctx, args);
  } finally {
    // A child that died of the terminal's Ctrl-C may end the run before the host heard it.
    awaitVerdict(signal);
  }
  const value = returned === undefined ? null : returned;
  const text = task.render
    ? task.render(returned)
    : returned === undefined
    ? ""
    : JSON.stringify(value, null, 2);
  if (failed) return;
  post({ type: "result", value, text, failed: task.failed?.(returned) ?? false });
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
  argv: string[],
): Promise<SubtaskResult> {
  const id = nextSubtask++;
  return new Promise((resolve, reject) => {
    subtasks.set(id, { resolve, reject });
    post({ type: "run-task", id, name, root, args, argv });
  });
}

function settleSubtask(message: Extract<HostMessage, { type: "task-result" }>): void {
  const pending = subtasks.get(message.id);
  if (pending === undefined) return;
  subtasks.delete(message.id);
  if (message.result) pending.resolve(message.result);
  // The subtask's error as the class it was on the host, so callers can tell kinds apart.
  else pending.reject(decodeError(message.error!, (path) => path));
}

async function createShell(root: string, env: Record<string, string>, signal: AbortSignal) {
  const [{ build$, CommandBuilder }, { ChildProcess }] = await Promise.all([
    import("dax"),
    // dax spawns with node:child_process (loaded with it): a child's death by a signal is seen here.
    import("node:child_process"),
  ]);
  watchChildren(ChildProcess as unknown as Parameters<typeof watchChildren>[0]);
  // No step starts once the run is aborting (`_abort_gate.ts`), awaited or spawned.
  const builder = new CommandBuilder().clearEnv().env(env).cwd(root).signal(signal)
    .beforeCommandSync(() => beforeStep(signal));
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
