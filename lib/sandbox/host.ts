import {
  InterruptedError,
  SandboxDeniedError,
  TaskDefinitionError,
  WstError,
} from "../errors/mod.ts";
import { decodeError, encodeError, stripAnsi } from "../errors/wire.ts";
import { relativeTo, SEP } from "../_path.ts";
import { escapeControls, type Progress, type Reporter } from "../reporter/mod.ts";
import type { Permissions } from "../task/permissions.ts";
import { describeScope, permissionsProblem } from "../task/scope.ts";
import type { HostMessage, TaskMeta, WireError, WorkerMessage } from "./_protocol.ts";
import { refusedOperation } from "./_denial.ts";
import { resolvePermissions } from "./worker_permissions.ts";
import { listModuleFiles } from "./_module_files.ts";
import { subtaskRoot } from "./_subtask_root.ts";
import { linkedOutOfRoot } from "./_scope_links.ts";
import { abortFlag } from "./_abort_gate.ts";
import { INSPECT_PREFIX } from "./_constant_world.ts";
import { confinedChannel, type ConfineMode, findBwrap, type TaskChannel } from "./confine.ts";
import type { ModuleDeps } from "../registry/_module_deps.ts";
import { bundleUrl, RUNTIME_BUNDLE } from "../registry/_bundle_cache.ts";

import { lineOutput, stderrOutput, type TaskOutput } from "./_output.ts";

export type { TaskMeta } from "./_protocol.ts";

const RUNTIME_URL = new URL("./_worker_runtime.ts", import.meta.url).href;
/** Set once the runtime's bundle could not be had here: this process uses the sources. */
let runtimeFromSources = false;

/**
 * The worker runtime a local task's worker imports before its module: its
 * bundle (built on first use, like a built-in task's), else its sources (a
 * bundle cache this process cannot write: a read-only checkout, the
 * inspection child). Both are wst's own code; the bundle loads ~55 ms faster.
 *
 * @returns The runtime's `file:` URL.
 * @throws {InterruptedError} When Ctrl-C interrupts building the bundle.
 */
export function localRuntimeUrl(): string {
  if (runtimeFromSources) return RUNTIME_URL;
  try {
    // Asked each time: it remembers, and notices when another process rebuilt the bundle and
    // removed the one it had (a long `--watch`).
    return bundleUrl(RUNTIME_BUNDLE.module, {
      task: "(the worker runtime)",
      cache: RUNTIME_BUNDLE.cache,
    });
  } catch (err) {
    if (err instanceof InterruptedError) throw err;
    runtimeFromSources = true;
    return RUNTIME_URL;
  }
}
/** wst's own folder: a local task module imports `@wst/wst` from it. */
const WST_DIR = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");

/**
 * How long a module may take to load and describe itself: one that loops or
 * never settles at its top level is reported as a problem, not waited for.
 */
const DESCRIBE_TIMEOUT_S = 15;

/** The load time limit: `WST_LOAD_TIMEOUT` seconds, else {@linkcode DESCRIBE_TIMEOUT_S}. */
function describeTimeoutMs(): number {
  const given = Number(Deno.env.get("WST_LOAD_TIMEOUT"));
  return (Number.isFinite(given) && given > 0 ? given : DESCRIBE_TIMEOUT_S) * 1000;
}

/** How long a task has to stop after Ctrl-C before its worker is terminated. */
const ABORT_GRACE_MS = 3_000;

/** The permissions of a worker that may do nothing at all: nothing declared. */
const NO_PERMISSIONS = resolvePermissions({}, "/", { path: "", getEnv: () => undefined }).worker;

/** A task's module and the name it is known by, for messages. */
export interface TaskModule {
  /** The task's name (or the file's name while it is not yet known). */
  readonly name: string;
  /** `file:` URL of the module whose default export is the task. */
  readonly url: string;
  /**
   * `file:` URL of a prebuilt worker entry (the task bundled with the worker
   * runtime, see `workerUrl` in lib/registry). Without it the worker imports the
   * runtime and the module itself.
   */
  readonly worker?: string | undefined;
  /**
   * `file:` URL of the worker runtime a module without a prebuilt entry
   * imports; by default {@linkcode localRuntimeUrl}'s (a confined runner is
   * given the host's).
   */
  readonly runtime?: string | undefined;
}

/** What a sandboxed run returns. */
export interface SandboxResult {
  /** The task's JSON-serialisable result. */
  readonly value: unknown;
  /** The result rendered for people. */
  readonly text: string;
  /** Whether the result reports a failure (exit code 1). */
  readonly failed: boolean;
}

/** Options of {@linkcode runSandboxed}. */
export interface RunOptions {
  /** Absolute workspace root. */
  readonly root: string;
  /** Raw arguments, validated inside the worker by the task's schema. */
  readonly args: Record<string, unknown>;
  /** The task's permissions for these arguments (for a subtask: intersected with its caller's). */
  readonly permissions: Permissions;
  /**
   * For a task started with `ctx.runTask`: its caller's name. Its permissions
   * are then the intersection of its own and the caller's, and a denial says so.
   */
  readonly caller?: string | undefined;
  /** Receives the task's logs and progress. */
  readonly reporter: Reporter;
  /**
   * Receives the workflow commands a trusted (built-in) task writes with
   * `ctx.annotate`, one line each; without it they are logged as info lines.
   */
  readonly annotate?: ((line: string) => void) | undefined;
  /** Aborts the task (Ctrl-C). */
  readonly signal?: AbortSignal;
  /**
   * Runs a task the sandboxed task starts with `ctx.runTask` (after the host
   * checked that it is declared and its root is inside this task's root).
   */
  readonly runSubtask?: (request: SubtaskRequest) => Promise<SandboxResult>;
  /** OS-level confinement (docs/adr/0009); default `off`. */
  readonly confine?: ConfineMode | undefined;
  /**
   * Put before every line of the task's and its children's output (a confined
   * run's, which wst forwards): the task's name while several tasks run at once.
   */
  readonly outputPrefix?: string | undefined;

  /** `ctx.argv`: everything after `--` on the command line (default: none). */
  readonly argv?: readonly string[] | undefined;
  /**
   * Vars of the task's dotenv files, declared ones only: the task, its shell
   * and its scripts see them where wst's own env does not set them.
   */
  readonly dotenv?: Readonly<Record<string, string>> | undefined;
  /**
   * Receives the output of the task's scripts (`ctx.script`), one line at a
   * time (a last line without its newline when the stream ends), as the
   * script wrote it: the receiver escapes it. Default: wst's stderr, escaped.
   */
  readonly output?: TaskOutput | undefined;
}

export type { TaskOutput } from "./_output.ts";

/** A task a sandboxed task asked the host to start. */
export interface SubtaskRequest {
  /** The task's name. */
  readonly name: string;
  /** Its workspace root: absolute, inside the parent's root. */
  readonly root: string;
  /** Its raw arguments. */
  readonly args: Record<string, unknown>;
  /** Its `ctx.argv`. */
  readonly argv: readonly string[];
}

/**
 * Reads a task module's name, description, argument schema and static
 * permissions in a worker that has no permissions at all, so that loading a
 * repository's task module never runs its code with the CLI's rights.
 *
 * @param task The module to describe.
 * @param root Absolute workspace root (error locations are shown relative to it).
 * @param options Aborts the loading (Ctrl-C); how long loading may take.
 * @returns Its metadata.
 * @throws {WstError} When the module cannot be loaded or is not a task.
 */
export function describeTask(
  task: TaskModule,
  root: string,
  options: { signal?: AbortSignal | undefined; timeoutMs?: number } = {},
): Promise<TaskMeta> {
  const exchangeOptions = {
    root,
    signal: options.signal,
    timeoutMs: options.timeoutMs ?? describeTimeoutMs(),
  };
  return exchange(task, NO_PERMISSIONS, { type: "describe" }, exchangeOptions, (m) => {
    return m.type === "described" ? m.meta : undefined;
  });
}

/**
 * Computes the permissions of a task whose permissions depend on its
 * arguments, in a worker with no permissions whose clock, randomness and
 * process details are constant (`Deno.args` is empty): nothing but the
 * arguments can change the result.
 *
 * @param task The module.
 * @param args Raw arguments, validated first.
 * @param options The workspace root; aborts the computation (Ctrl-C).
 * @returns The declared permissions for those arguments.
 */
export async function computePermissions(
  task: TaskModule,
  args: Record<string, unknown>,
  options: { root: string; signal?: AbortSignal | undefined },
): Promise<Permissions> {
  const message: HostMessage = { type: "permissions", args };
  const deps = await pinnedConfig(task);
  // A module with its folder's own packages loads in a runner process of its own, not here.
  const open = deps === undefined ? undefined : () =>
    confinedChannel(
      undefined,
      {
        root: options.root,
        permissions: {},
        read: [],
        write: [],
        binaries: {},
        env: { PATH: Deno.env.get("PATH") ?? "" },
        moduleDirs: [],
        config: deps.config,
      },
      {
        task: { name: task.name, url: task.url, worker: task.worker },
        permissions: NO_PERMISSIONS,
        root: options.root,
        inspect: true,
      },
      false,
      () => workerChannel(task, NO_PERMISSIONS, true),
    );
  const exchangeOptions = { root: options.root, signal: options.signal, open };
  const answer = await exchange(task, NO_PERMISSIONS, message, exchangeOptions, (m) => {
    return m.type === "permissions" ? { permissions: m.permissions } : undefined;
  });
  // Computed in the task's worker, where its own code may have patched what checks it: taken
  // only in the shape a declaration has (`permissionsSchema`), checked again here.
  const problem = permissionsProblem(answer.permissions);
  if (problem !== undefined) {
    throw new TaskDefinitionError(
      relativeTo(options.root, decodeURIComponent(new URL(task.url).pathname)),
      [{
        field: "permissions",
        message: `The permissions computed from the arguments are not a declaration: ${problem}`,
      }],
    );
  }
  return answer.permissions;
}

/**
 * Runs a task in a worker whose permissions are exactly the declared ones.
 * Never prompts. A declared path inside the root that a symbolic link leads
 * out of it is refused before the task starts. A refused operation ends the task with a
 * {@linkcode SandboxDeniedError} naming the task, the operation and the scope.
 *
 * @param task The module to run.
 * @param options Root, arguments, permissions, reporter and abort signal.
 * @returns The task's result and its rendering.
 * @throws {WstError} The task's failure, a usage error for bad arguments, a denial.
 */
export async function runSandboxed(
  task: TaskModule,
  options: RunOptions,
): Promise<SandboxResult> {
  const deps = await pinnedConfig(task);
  const resolved = resolvePermissions(options.permissions, options.root);
  const scope = `${describeScope(options.permissions)}${
    options.caller === undefined
      ? ""
      : ` (its own permissions intersected with those of its caller ${
        JSON.stringify(options.caller)
      })`
  }`;
  const linked = linkedOutOfRoot(options.permissions, options.root);
  if (linked !== undefined) {
    throw new SandboxDeniedError({
      task: task.name,
      operation: `${linked.kind} access to ${JSON.stringify(linked.declared)}, a symbolic link to ${
        JSON.stringify(linked.real)
      }, outside the root`,
      scope,
    });
  }
  const progresses = new Map<number, Progress>();
  // wst's own env wins over the files (as go-task's dotenv): only vars it does not set are added.
  const dotenv: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.dotenv ?? {})) {
    if (!(name in resolved.shellEnv)) dotenv[name] = value;
  }
  const withDotenv = { ...resolved, shellEnv: { ...dotenv, ...resolved.shellEnv } };
  const message: HostMessage = {
    type: "run",
    args: options.args,
    root: options.root,
    scope,
    shellEnv: { ...withDotenv.shellEnv },
    hasBinaries: (options.permissions.run ?? []).length > 0,
    binaries: { ...resolved.binaries },
    run: [...(options.permissions.run ?? [])],
    interactive: options.permissions.interactive === true,
    dotenv,
    argv: [...(options.argv ?? [])],
    tasks: [...(options.permissions.tasks ?? [])],
  };
  const output = lineOutput(options.output ?? stderrOutput);
  const open = confinement(task, options, withDotenv, scope, deps);
  // The errors this run's subtasks ended with (refusals, approval requests, failures): the only
  // ones naming another task that the task may pass on.
  const passed = new Set<string>();
  const exchangeOptions = { scope, signal: options.signal, root: options.root, open, passed };
  return await exchange(task, resolved.worker, message, exchangeOptions, (m, reply) => {
    switch (m.type) {
      case "output":
        output.write(m.stream === "stdout" ? "stdout" : "stderr", String(m.text));
        return;
      case "run-task":
        startSubtask(task, options, scope, m).then(
          (result) => reply({ type: "task-result", id: m.id, result }),
          (err) => {
            const error = encodeError(err);
            passed.add(passedKey(error));
            reply({ type: "task-result", id: m.id, error });
          },
        );
        return;
      case "result":
        return { value: m.value, text: m.text, failed: m.failed };
      case "log":
        options.reporter[LOG_LEVELS.has(m.level) ? m.level : "info"](String(m.message));
        return;
      case "annotation": {
        const line = String(m.line);
        if (options.annotate !== undefined && /^::[a-z-]+[ :][^\r\n]*$/.test(line)) {
          options.annotate(escapeControls(line));
        } else {
          options.reporter.info(line);
        }
        return;
      }
      // What a task's worker sends is the task's (it shares the worker runtime's realm): each field
      // is taken as the type it must be, a total as a count, never as text to print.
      case "progress": {
        const total = typeof m.total === "number" && Number.isSafeInteger(m.total) && m.total >= 0
          ? m.total
          : undefined;
        progresses.set(m.id, options.reporter.progress(String(m.label), total));
        return;
      }
      case "tick":
        progresses.get(m.id)?.tick(m.detail === undefined ? undefined : String(m.detail));
        return;
      case "progress-done":
        progresses.get(m.id)?.done(m.summary === undefined ? undefined : String(m.summary));
        progresses.delete(m.id);
        return;
    }
    return undefined;
  }).finally(output.flush);
}

/** The reporter's levels: a log message of any other is logged as `info`. */
const LOG_LEVELS: ReadonlySet<string> = new Set(["debug", "info", "warn", "error"]);

let warnedUnconfined = false;
/** Why bwrap failed when this process last started it: later runs do not try again. */
let bwrapFailed: string | undefined;

/**
 * How a run is started under its confinement mode: in a bubblewrap sandbox
 * (a function that opens the channel), or here in a worker (undefined).
 *
 * @throws {SandboxDeniedError} `require` where bubblewrap does not work.
 */
function confinement(
  task: TaskModule,
  options: RunOptions,
  resolved: ReturnType<typeof resolvePermissions>,
  scope: string,
  deps: ModuleDeps | undefined,
): (() => TaskChannel) | undefined {
  const mode = options.confine ?? "off";
  const worker = resolved.worker;
  const list = (value: Deno.PermissionOptionsObject["read"]) =>
    Array.isArray(value) ? value.map(String) : [];
  const moduleDirs = task.worker === undefined ? loadGrantFolders(task.url).slice(0, 1) : [];
  const plan = {
    root: options.root,
    permissions: options.permissions,
    read: list(worker.read),
    write: list(worker.write),
    binaries: resolved.binaries,
    env: resolved.shellEnv,
    moduleDirs: deps === undefined ? moduleDirs : [...moduleDirs, deps.dir],
    config: deps?.config,
  };
  const start = {
    task: {
      name: task.name,
      url: task.url,
      worker: task.worker,
      // The runner cannot build the runtime's bundle in its sandbox: the host's, built here.
      ...(task.worker === undefined ? { runtime: task.runtime ?? localRuntimeUrl() } : {}),
    },
    permissions: worker,
    root: options.root,
  };
  const interactive = options.permissions.interactive === true;
  // A module with its folder's own pinned packages cannot load in wst's process (one Deno
  // configuration per process): unconfined, it runs in a runner process without a sandbox.
  const here = deps === undefined
    ? undefined
    : () =>
      confinedChannel(undefined, plan, start, interactive, () => workerChannel(task, worker), {
        outputPrefix: options.outputPrefix,
      });
  if (mode === "off") {
    options.reporter.debug(`${task.name}: not confined (--confine off): Deno's permissions only`);
    return here;
  }
  const unconfined = (reason: string | undefined): undefined => {
    options.reporter.debug(`${task.name}: not confined: ${reason}`);
    if (mode === "require") {
      throw new SandboxDeniedError({
        task: task.name,
        operation: `running unconfined (--confine require): ${reason}`,
        scope,
      });
    }
    if (!warnedUnconfined) {
      warnedUnconfined = true;
      options.reporter.warn(
        `Tasks run without OS-level confinement: ${reason} (--confine off silences this)`,
      );
    }
    return undefined;
  };
  // Whether bwrap works is found out by starting it (a trial run costs every run ~10 ms).
  const support = bwrapFailed === undefined ? findBwrap() : { reason: bwrapFailed };
  if (support.bwrap === undefined) return unconfined(support.reason) ?? here;
  const bwrap = support.bwrap;
  options.reporter.debug(`${task.name}: confined by bubblewrap (${bwrap})`);
  return () =>
    confinedChannel(bwrap, plan, start, interactive, (reason) => {
      bwrapFailed = reason;
      unconfined(reason);
      return here?.() ?? workerChannel(task, worker);
    }, {
      outputPrefix: options.outputPrefix,
      debug: (line) => options.reporter.debug(line),
      warn: (line) => options.reporter.warn(line),
    });
}

/**
 * The Deno configuration a local module loads with when its `.wst/` folder
 * has a `deno.json` of its own (docs/adr/0013-module-deps.md): wst's merged
 * with the folder's, written to wst's cache folder. Undefined for built-ins
 * and folders without one (the common case: one stat).
 */
async function pinnedConfig(task: TaskModule): Promise<ModuleDeps | undefined> {
  if (task.worker !== undefined || !task.url.startsWith("file:")) return undefined;
  const [folder] = loadGrantFolders(task.url);
  try {
    Deno.statSync(`${folder}${SEP}deno.json`);
  } catch {
    return undefined;
  }
  const { moduleDeps } = await import("../registry/_module_deps.ts");
  const { denoCacheDir } = await import("../registry/_npm_cache.ts");
  const { cacheHome } = await import("../registry/_cache.ts");
  const result = await moduleDeps([folder!], {
    cacheDir: cacheHome(),
    denoDir: denoCacheDir(),
    registry: Deno.env.get("NPM_CONFIG_REGISTRY"),
  });
  return result.deps;
}

async function startSubtask(
  parent: TaskModule,
  options: RunOptions,
  scope: string,
  request: Extract<WorkerMessage, { type: "run-task" }>,
): Promise<SandboxResult> {
  const refuse = (operation: string) =>
    new SandboxDeniedError({ task: parent.name, operation, scope });
  // No step starts once the run is aborting.
  if (options.signal?.aborted) throw interrupted(request.name);
  if (!(options.permissions.tasks ?? []).includes(request.name)) {
    throw refuse(`starting task ${JSON.stringify(request.name)}`);
  }
  const root = await subtaskRoot(options.root, request, refuse);
  if (options.runSubtask === undefined) {
    throw new WstError(`Cannot start task ${JSON.stringify(request.name)}: not supported here`);
  }
  return await options.runSubtask({
    name: request.name,
    root,
    args: request.args,
    argv: Array.isArray(request.argv) ? request.argv.map(String) : [],
  });
}

/**
 * The worker's entry: a data URL of JavaScript (of TypeScript, Deno would
 * transpile it and cache the result: in a confined run, whose sandbox cannot
 * write Deno's cache, every write failed and was retried with pauses, ~150 ms
 * of a run for each new module or grant list the host had not seen).
 */
function workerSource(url: string, loadGrants: readonly string[], runtime: string): string {
  const source = `import { serveModule } from ${JSON.stringify(runtime)};\n` +
    `serveModule(${JSON.stringify(url)}, ${JSON.stringify(loadGrants)});\n`;
  return `data:application/javascript;base64,${btoa(unescape(encodeURIComponent(source)))}`;
}

/**
 * What a local module needs to read while it loads (a dynamic import checks
 * read access to every local file of its graph): the module files of the
 * `.wst/` folder it lives in and wst's own modules (`@wst/wst`). Files, not
 * folders, and never a symbolic link: Deno checks the path a task names, so a
 * folder grant would let a link in it lead anywhere. Only those the declared
 * permissions do not already cover: the worker revokes them once the module
 * has loaded.
 *
 * @param url The module's `file:` URL.
 * @param read The declared read permission, resolved.
 * @returns Absolute paths to grant while loading.
 */
export function loadGrants(url: string, read: Deno.PermissionOptionsObject["read"]): string[] {
  if (read === true) return [];
  const [local] = loadGrantFolders(url);
  const declared = Array.isArray(read) ? read : [];
  const covered = (path: string) =>
    declared.some((p) => {
      const base = String(p);
      return path === base || path.startsWith(base.endsWith(SEP) ? base : `${base}${SEP}`);
    });
  return [...moduleFiles(local!), ...WST_MODULES].filter((path) => !covered(path));
}

/** The folders load-time grants are made in: the module's `.wst/` folder, and wst's own. */
function loadGrantFolders(url: string): string[] {
  const file = decodeURIComponent(new URL(url).pathname);
  const dir = file.slice(0, file.lastIndexOf("/"));
  return [dir.endsWith("/.wst/tasks") ? dir.slice(0, -"/tasks".length) : dir, WST_DIR];
}

/** wst's modules a task imports: `@wst/wst`, `@wst/wst/testing` and `lib/` (no links in it). */
const WST_MODULES = [`${WST_DIR}/mod.ts`, `${WST_DIR}/testing.ts`, `${WST_DIR}/lib`];
const moduleFilesCache = new Map<string, string[]>();

/** The module files of a `.wst/` folder (`listModuleFiles`), walked once per process. */
function moduleFiles(folder: string): string[] {
  const cached = moduleFilesCache.get(folder);
  if (cached !== undefined) return cached;
  const files = listModuleFiles(folder);
  moduleFilesCache.set(folder, files);
  return files;
}

/**
 * Starts a worker, sends one message and feeds every answer to `handle`
 * until it returns a value or the worker reports an error.
 */
function exchange<T>(
  task: TaskModule,
  permissions: Deno.PermissionOptionsObject,
  message: HostMessage,
  options: {
    root: string;
    scope?: string;
    signal?: AbortSignal | undefined;
    /** Ends the exchange with an error after this long. */
    timeoutMs?: number;
    /** Starts the task elsewhere (a confined runner) instead of in a worker here. */
    open?: (() => TaskChannel) | undefined;
    /** The errors the task was given (its subtasks', {@linkcode passedKey}): it may end with them. */
    passed?: ReadonlySet<string>;
  },
  handle: (message: WorkerMessage, reply: (message: HostMessage) => void) => T | undefined,
): Promise<T> {
  const scope = options.scope ?? "no permissions";
  const relative = (path: string) => relativeTo(options.root, path);
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let graceTimer: ReturnType<typeof setTimeout> | undefined;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    // A worker with no permissions inspects the task: it sees the same constant world every time.
    const channel = options.open?.() ??
      workerChannel(task, permissions, permissions === NO_PERMISSIONS);
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      // Guarded: the first clearTimeout of a process loads Deno's timers (~4 ms).
      if (graceTimer !== undefined) clearTimeout(graceTimer);
      if (deadline !== undefined) clearTimeout(deadline);
      options.signal?.removeEventListener("abort", onAbort);
      // After Ctrl-C, however the task ended (a result from a script whose sleep was killed, a
      // runner that died with the terminal's SIGINT), the run was interrupted: exit 130.
      const done = options.signal?.aborted ? () => reject(interrupted(task.name)) : fn;
      channel.terminate().then(done, done);
    };
    const onAbort = () => {
      channel.post({ type: "abort" });
      graceTimer = setTimeout(
        () => finish(() => reject(interrupted(task.name))),
        ABORT_GRACE_MS,
      );
    };
    channel.onmessage = (m: WorkerMessage) => {
      if (m.type === "error") {
        const where = { task, scope, relative, passed: options.passed };
        finish(() => reject(fromWire(m.error, where, options.signal)));
        return;
      }
      try {
        const value = handle(m, (answer) => {
          if (!settled) channel.post(answer);
        });
        if (value !== undefined) finish(() => resolve(value));
      } catch (err) {
        finish(() => reject(err));
      }
    };
    channel.onerror = (text: string) => {
      const operation = refusedOperation(text);
      const message = stripAnsi(text).split("\n")[0];
      finish(() =>
        reject(
          operation === undefined
            ? new WstError(`Task "${task.name}" failed: ${message}`)
            : new SandboxDeniedError({ task: task.name, operation, scope }),
        )
      );
    };
    channel.onmessageerror = () => {
      finish(() =>
        reject(new WstError(`Task "${task.name}" returned a result that cannot be serialised`))
      );
    };
    if (options.signal?.aborted) {
      finish(() => reject(interrupted(task.name)));
      return;
    }
    options.signal?.addEventListener("abort", onAbort, { once: true });
    if (options.timeoutMs !== undefined) {
      const seconds = options.timeoutMs / 1000;
      deadline = setTimeout(() =>
        finish(() =>
          reject(
            new WstError(
              `The task module did not load within ${seconds} s (a loop, or a promise that never settles, at its top level?)`,
            ),
          )
        ), options.timeoutMs);
    }
    if (!settled) channel.post(message);
  });
}

/**
 * Starts a task's worker here and returns the protocol's channel to it: the
 * host's first message carries the port the protocol runs over.
 *
 * @param task The module.
 * @param permissions The worker's permissions, every key explicit.
 * @param inspect Whether it only inspects the task (a constant world, no permissions).
 * @returns The channel.
 */
export function workerChannel(
  task: TaskModule,
  permissions: Deno.PermissionOptionsObject,
  inspect = false,
): TaskChannel {
  const worker = startWorker(task, permissions, inspect);
  // The protocol's own channel: messages task code posts on the worker's are ignored.
  const { port1: port, port2 } = new MessageChannel();
  const aborted = abortFlag();
  worker.postMessage({ type: "init", aborted: aborted.shared } satisfies HostMessage, [port2]);
  const channel: TaskChannel = {
    post: (message) => {
      // Raised before the message goes: a step that starts meanwhile sees it (`_abort_gate.ts`).
      if (message.type === "abort") aborted.raise();
      port.postMessage(message);
    },
    onmessage: () => {},
    onerror: () => {},
    onmessageerror: () => {},
    terminate: () => {
      worker.terminate();
      port.close();
      return Promise.resolve();
    },
  };
  port.onmessage = (event: MessageEvent<WorkerMessage>) => channel.onmessage(event.data);
  port.onmessageerror = () => channel.onmessageerror();
  worker.onmessage = () => {}; // task code's own messages
  worker.onerror = (event: ErrorEvent) => {
    event.preventDefault();
    channel.onerror(String(event.message));
  };
  return channel;
}

function startWorker(
  task: TaskModule,
  permissions: Deno.PermissionOptionsObject,
  inspect: boolean,
): Worker {
  const name = `${inspect ? INSPECT_PREFIX : "wst:"}${task.name}`;
  if (task.worker !== undefined) {
    return new Worker(task.worker, {
      type: "module",
      name,
      deno: { permissions },
    });
  }
  const grants = loadGrants(task.url, permissions.read);
  const read = [...(Array.isArray(permissions.read) ? permissions.read : []), ...grants];
  return new Worker(workerSource(task.url, grants, task.runtime ?? localRuntimeUrl()), {
    type: "module",
    name,
    deno: { permissions: grants.length === 0 ? permissions : { ...permissions, read } },
  });
}

function interrupted(task: string): WstError {
  return new InterruptedError(`Task "${task}" was interrupted`);
}

/**
 * A refused read of a module file that does not exist is a typo in an import,
 * not a sandbox denial: while loading, only existing module files are granted.
 */
function missingModule(operation: string | undefined, task: TaskModule): WstError | undefined {
  const path = /^read access to "(.*\.(?:[cm]?[jt]s|[jt]sx|json))"$/.exec(operation ?? "")?.[1];
  // Only where load-time grants are made: a worker's message never makes the host look elsewhere.
  if (
    path === undefined || !loadGrantFolders(task.url).some((f) => path.startsWith(`${f}${SEP}`))
  ) {
    return undefined;
  }
  try {
    Deno.lstatSync(path);
    return undefined;
  } catch {
    return new WstError(`Cannot load the task module: Module not found ${JSON.stringify(path)}`);
  }
}

/** What identifies an error passed to a task and back: all it says but where it was thrown. */
function passedKey(error: WireError): string {
  const fields = error as unknown as Record<string, unknown>;
  return JSON.stringify(
    Object.keys(fields).filter((key) => key !== "stack" && key !== "location").sort()
      .map((key) => [key, fields[key]]),
  );
}

/**
 * A place in a file, or nothing: a task's error has no other fields there,
 * and a file name with a control character (a colour, a line break that
 * starts a forged `error:` line) is no place.
 */
function placeOf(location: unknown): WireError["location"] {
  const at = location as { file?: unknown; line?: unknown; column?: unknown } | null | undefined;
  if (typeof at?.file !== "string" || CONTROL.test(at.file)) return undefined;
  if (!Number.isSafeInteger(at.line) || !Number.isSafeInteger(at.column)) return undefined;
  return { file: at.file, line: at.line as number, column: at.column as number };
}

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A place, its file named relative to the root. */
function relativePlace(
  location: NonNullable<WireError["location"]>,
  relative: (path: string) => string,
): NonNullable<WireError["location"]> {
  return { ...location, file: relative(location.file) };
}

function fromWire(
  error: WireError,
  where: {
    task: TaskModule;
    scope: string;
    relative: (path: string) => string;
    passed?: ReadonlySet<string> | undefined;
  },
  signal: AbortSignal | undefined,
): WstError {
  const task = where.task;
  if (signal?.aborted) return interrupted(task.name);
  if (error.kind === "interrupted") return interrupted(task.name);
  // Where the task says an error was thrown is the task's: a place in a file, or nothing.
  const { location: thrown, ...fields } = error;
  const location = placeOf(thrown);
  const placed = location === undefined ? fields : { ...fields, location };
  // A subtask's error, passed on by the task, is wst's own: it stands as it is.
  if (where.passed?.has(passedKey(error)) === true) return decodeError(placed, where.relative);
  // Anything else is the task's own failure, whatever it says: it names this task.
  if (error.kind === "trust-required") {
    // Only wst asks for an approval, and names the command that gives it: a task that ends with
    // a request of its own (a command of its choosing, for a person or an agent to run) fails.
    return new WstError(
      `Task ${JSON.stringify(task.name)} failed with an approval request wst did not make ` +
        "(only wst asks for approvals; its own request and command are not shown)",
    );
  }
  if (error.kind === "sandbox-denied") {
    const missing = error.loading ? missingModule(error.operation, task) : undefined;
    if (missing !== undefined) {
      if (location !== undefined) missing.location = relativePlace(location, where.relative);
      return missing;
    }
    // A refusal inside this task's worker: the host names the task and its scope (a task naming
    // another would pass its failure off as that one's).
    const denied = new SandboxDeniedError({
      task: task.name,
      operation: error.operation ?? error.message,
      scope: where.scope,
    });
    if (location !== undefined) denied.location = relativePlace(location, where.relative);
    return denied;
  }
  if (error.kind === "subtask-failed") {
    // A subtask it did not start through wst: the task's own failure, in its own words.
    return ownFailure(task, new WstError(String(error.message)), location, where.relative);
  }
  const own = decodeError(
    { ...placed, ...("task" in error ? { task: task.name } : {}) },
    where.relative,
  );
  return own.kind === "task-failed" ? ownFailure(task, own, location, where.relative) : own;
}

/**
 * A local task's failure: with no place in its module to show, its message
 * says whose it is (it could otherwise read as one of wst's own: an approval
 * to give, a command to run).
 */
function ownFailure(
  task: TaskModule,
  error: WstError,
  location: WireError["location"],
  relative: (path: string) => string,
): WstError {
  if (location !== undefined) {
    error.location = relativePlace(location, relative);
    return error;
  }
  if (task.worker !== undefined) return error; // a built-in task: wst's own words
  const failed = new WstError(`Task ${JSON.stringify(task.name)} failed: ${error.message}`);
  if (error.stack !== undefined) failed.stack = error.stack;
  return failed;
}
