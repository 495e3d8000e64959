// Safe inspection of local task modules (docs/adr/0010): loading a module to
// list or describe it runs its top-level code, so it happens in a child
// process (`wst __inspect`, see `_inspect_child.ts`) with a V8 heap limit, a
// wall-clock limit that kills it, no network (`--cached-only --no-remote`) and
// read access to nothing but the `.wst/` folders of the modules' namespaces
// (docs/adr/0014) and wst's own files.
// One child describes every module of a registry load (one worker each); when
// it dies, the modules it had not answered for are retried one per child, so
// the culprit is named and every other task still lists.
import { InterruptedError } from "../errors/mod.ts";
import { SEP } from "../_path.ts";
import type { TaskMeta } from "../task/describe.ts";
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../../scripts/runtime_flags.ts";

/** What the CLI sends the child on stdin. */
export interface InspectRequest {
  /** Prefixes every line of the child's answer (lines without it are not wst's). */
  nonce: string;
  /** Absolute workspace root. */
  root: string;
  /** Absolute module paths. */
  files: string[];
  /** How long each module may take to load and describe itself. */
  timeoutMs: number;
  /** How many modules load at once. */
  parallel: number;
}

/** A problem with one module, without its file (the index names it). */
export interface InspectProblem {
  message: string;
  kind: string;
  line?: number;
  column?: number;
  /**
   * Set for what the module's code did to the process or the clock (time or
   * memory limit, exit, crash): it is not cached, since a busy machine can cause it.
   */
  transient?: boolean;
}

/** The child's answer for module `i` of the request. */
export type InspectOutcome =
  | { i: number; meta: TaskMeta }
  | { i: number; problem: InspectProblem };

/** How long a module may take to load when `WST_LOAD_TIMEOUT` does not say. */
export const LOAD_TIMEOUT_S = 5;
/** The inspection child's V8 heap limit (each worker's too) when `WST_LOAD_MEMORY` does not say. */
export const LOAD_MEMORY_MB = 256;
/**
 * The child is killed when it has said nothing for this long beyond a module's
 * own limit (it answers for each module within that limit, a few at a time).
 */
const CHILD_MARGIN_MS = 5_000;
/** Deno's message once a load needed what a frozen lock does not hold. */
export const LOCK_OUT_OF_DATE = /lockfile is out of date/i;
/** Children running at once while culprits are searched for. */
const RETRY_PARALLEL = 2;
/**
 * At most this many workers describe modules at once in the child, however
 * many cores there are: each holds its own copy of wst's worker runtime, zod
 * and the module (~12 MB), and the child's memory grew with the cores (a
 * 19-module listing once peaked at 286 MiB).
 */
export const MAX_PARALLEL = 4;

/** The load limits, from the environment. */
export function loadLimits(
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): { timeoutMs: number; memoryMb: number } {
  const seconds = Number(env("WST_LOAD_TIMEOUT"));
  const megabytes = Number(env("WST_LOAD_MEMORY"));
  return {
    timeoutMs: (Number.isFinite(seconds) && seconds > 0 ? seconds : LOAD_TIMEOUT_S) * 1000,
    memoryMb: Number.isInteger(megabytes) && megabytes >= 16 ? megabytes : LOAD_MEMORY_MB,
  };
}

/**
 * Describes local task modules in a child process (or several, when one dies).
 *
 * @param root Absolute workspace root.
 * @param files Absolute module paths.
 * @param options Aborts the inspection (Ctrl-C); limits (default: {@linkcode loadLimits}).
 * @returns One outcome per file, in order.
 * @throws {InterruptedError} When the signal aborted it.
 */
export async function inspectModules(
  root: string,
  files: readonly string[],
  options: {
    signal?: AbortSignal | undefined;
    timeoutMs?: number;
    memoryMb?: number;
    /** The Deno configuration to load with (the repository's pins merged with wst's: `_module_deps.ts`). */
    config?: string | undefined;
  } = {},
): Promise<InspectOutcome[]> {
  const limits = { ...loadLimits(), ...definedOnly(options), config: options.config };
  const outcomes: (InspectOutcome | undefined)[] = new Array(files.length).fill(undefined);
  const first = await runChild(root, files.map((_, i) => i), files, limits, options.signal);
  for (const outcome of first.outcomes) outcomes[outcome.i] = outcome;
  let left = files.map((_, i) => i).filter((i) => outcomes[i] === undefined);
  // A module importing what the frozen lock does not pin marks Deno's lock as changed for the
  // whole process: every module loaded after it fails the same way. Each is tried again alone.
  const poisoned = first.outcomes.filter((o) =>
    "problem" in o && LOCK_OUT_OF_DATE.test(o.problem.message)
  );
  if (poisoned.length > 1) {
    for (const o of poisoned) outcomes[o.i] = undefined;
    left = [...left, ...poisoned.map((o) => o.i)].sort((a, b) => a - b);
  }
  if (left.length === 1 && poisoned.length <= 1) {
    outcomes[left[0]!] = { i: left[0]!, problem: first.death };
    left = [];
  }
  // The child died with several modules unanswered: one child each finds the culprit.
  while (left.length > 0) {
    const batch = left.splice(0, RETRY_PARALLEL);
    const runs = await Promise.all(
      batch.map((i) => runChild(root, [i], files, limits, options.signal)),
    );
    runs.forEach((run, k) => {
      const i = batch[k]!;
      outcomes[i] = run.outcomes.find((o) => o.i === i) ?? { i, problem: run.death };
    });
  }
  return outcomes as InspectOutcome[];
}

function definedOnly(options: { timeoutMs?: number; memoryMb?: number }) {
  return {
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.memoryMb === undefined ? {} : { memoryMb: options.memoryMb }),
  };
}

/**
 * The `.wst/` folder a local task module belongs to: its namespace's
 * (`<dir>/.wst/tasks/x.ts` → `<dir>/.wst`).
 *
 * @param file Absolute module path.
 * @returns Absolute folder path.
 */
export function wstFolderOf(file: string): string {
  const at = file.lastIndexOf(`${SEP}.wst${SEP}`);
  return at === -1 ? file.slice(0, file.lastIndexOf(SEP)) : file.slice(0, at + SEP.length + 4);
}

/**
 * The command line of the inspection child, which may read the `.wst/` folders of `files`.
 *
 * @param files Absolute module paths.
 * @param memoryMb The V8 heap limit.
 * @param config The Deno configuration (default: wst's own `deno.json`).
 */
export function childCommand(
  files: readonly string[],
  memoryMb: number,
  config?: string,
): { program: string; args: string[]; env: Record<string, string> } {
  const v8 = `--max-old-space-size=${memoryMb}`;
  const env = { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", RUST_BACKTRACE: "0" };
  if (Deno.build.standalone) {
    // A compiled binary holds its flags; V8's heap limit comes from the environment.
    return { program: Deno.execPath(), args: ["__inspect"], env: { ...env, DENO_V8_FLAGS: v8 } };
  }
  const flags = RUNTIME_FLAGS.flatMap((flag) => {
    if (flag === "--allow-all") return [];
    if (flag.startsWith("--v8-flags=")) return [`${flag},${v8}`];
    return [flag];
  });
  let configFlags: string[] = config === undefined ? [] : ["--config", config];
  if (config === undefined) {
    try {
      Deno.statSync(`${REPO_ROOT}/deno.json`);
      configFlags = ["--config", `${REPO_ROOT}/deno.json`];
    } catch {
      // no configuration file beside wst's sources
    }
  }
  return {
    program: Deno.execPath(),
    args: [
      "run",
      "--quiet",
      ...flags,
      ...configFlags,
      // No network: npm, jsr and remote imports are answered from Deno's cache or fail.
      "--cached-only",
      "--no-remote",
      // The modules' `.wst/` folders and wst's sources: nothing else, whatever a worker is granted.
      `--allow-read=${[...new Set(files.map(wstFolderOf)), REPO_ROOT].join(",")}`,
      `${REPO_ROOT}/${ENTRY_POINT}`,
      "__inspect",
    ],
    env,
  };
}

interface ChildRun {
  outcomes: InspectOutcome[];
  /** Why the child ended without answering for every module. */
  death: InspectProblem;
}

async function runChild(
  root: string,
  indices: readonly number[],
  files: readonly string[],
  limits: { timeoutMs: number; memoryMb: number; config?: string | undefined },
  signal: AbortSignal | undefined,
): Promise<ChildRun> {
  if (signal?.aborted) throw new InterruptedError("Interrupted while loading the task modules");
  const nonce = crypto.randomUUID();
  const { program, args, env } = childCommand(
    indices.map((i) => files[i]!),
    limits.memoryMb,
    limits.config,
  );
  const child = new Deno.Command(program, {
    args,
    env,
    ...(Deno.build.standalone ? {} : { cwd: REPO_ROOT }),
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const kill = () => {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  };
  // A watchdog, reset by every answer: the child times each module itself.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watch = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, limits.timeoutMs + CHILD_MARGIN_MS);
  };
  watch();
  const onAbort = () => kill();
  signal?.addEventListener("abort", onAbort, { once: true });
  const request: InspectRequest = {
    nonce,
    root,
    files: indices.map((i) => files[i]!),
    timeoutMs: limits.timeoutMs,
    parallel: Math.min(MAX_PARALLEL, Math.max(2, navigator.hardwareConcurrency || 2)),
  };
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(request))).catch(() => {});
  await writer.close().catch(() => {});
  const outcomes: InspectOutcome[] = [];
  const [, stderr, status] = await Promise.all([
    readLines(child.stdout, (line) => {
      if (!line.startsWith(`${nonce} `)) return;
      watch();
      const outcome = parseOutcome(line.slice(nonce.length + 1), indices.length);
      // The child numbers its own request: map back to the caller's indices.
      if (outcome !== undefined) outcomes.push({ ...outcome, i: indices[outcome.i]! });
    }),
    tail(child.stderr),
    child.status,
  ]);
  if (timer !== undefined) clearTimeout(timer);
  signal?.removeEventListener("abort", onAbort);
  if (signal?.aborted) throw new InterruptedError("Interrupted while loading the task modules");
  return { outcomes, death: deathProblem(status, stderr, timedOut, limits) };
}

function deathProblem(
  status: Deno.CommandStatus,
  stderr: string,
  timedOut: boolean,
  limits: { timeoutMs: number; memoryMb: number },
): InspectProblem {
  const base = { kind: "task-failed", transient: true };
  if (timedOut) {
    return {
      ...base,
      message: `The task module did not load within ${
        limits.timeoutMs / 1000
      } s (a loop, or a promise that never settles, at its top level?)`,
    };
  }
  if (/out of memory|heap limit|Allocation failed/i.test(stderr)) {
    return {
      ...base,
      message:
        `The task module exhausted its memory limit (${limits.memoryMb} MB) while loading (WST_LOAD_MEMORY=<MB> raises it)`,
    };
  }
  const how = status.signal === null ? `exit code ${status.code}` : `signal ${status.signal}`;
  return {
    ...base,
    message: `The task module ended the process that was loading it (${how})`,
  };
}

function parseOutcome(text: string, count: number): InspectOutcome | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const o = value as Record<string, unknown>;
  if (typeof o.i !== "number" || !Number.isInteger(o.i) || o.i < 0 || o.i >= count) {
    return undefined;
  }
  if (typeof o.meta === "object" && o.meta !== null) {
    return { i: o.i, meta: o.meta as TaskMeta };
  }
  const p = o.problem as Record<string, unknown> | undefined;
  if (typeof p === "object" && p !== null && typeof p.message === "string") {
    return {
      i: o.i,
      problem: {
        message: p.message,
        kind: typeof p.kind === "string" ? p.kind : "task-failed",
        ...(typeof p.line === "number" ? { line: p.line } : {}),
        ...(typeof p.column === "number" ? { column: p.column } : {}),
      },
    };
  }
  return undefined;
}

async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
): Promise<void> {
  let buffered = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf("\n")) !== -1) {
      onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
    }
  }
  if (buffered !== "") onLine(buffered);
}

/** The last few KB of a stream, read to its end (a module may print a lot). */
async function tail(stream: ReadableStream<Uint8Array>): Promise<string> {
  let text = "";
  for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
    text = (text + chunk).slice(-8192);
  }
  return text;
}
