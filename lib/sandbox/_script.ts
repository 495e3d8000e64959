// `ctx.script`, inside a task's worker: a multi-line script run unchanged with
// bash, its output streamed to the host over the protocol (which escapes it
// and writes it: `taskOutput` in lib/cli/_output.ts), killed with everything
// it started when the task is aborted.
import {
  InterruptedError,
  SandboxDeniedError,
  ScriptFailedError,
  WstError,
} from "../errors/mod.ts";
import type { ScriptOptions, ScriptResult } from "../task/context.ts";
import { resolvePath, SEP } from "../_path.ts";
import { command } from "./_child_guard.ts";
import { beforeStep } from "./_abort_gate.ts";

/** The shell every script runs with. */
export const SCRIPT_SHELL = "bash";

/**
 * The script's own bash runs under a small outer bash that is the leader of
 * a new session (`detached`): on SIGTERM it kills its whole process group
 * (the script and everything the script started, backgrounded or not), which
 * a task in a worker cannot do itself (`Deno.kill` needs run access to every
 * process). The script gets `errexit` and `pipefail`; `$0` is the task's name.
 */
const OUTER = [
  `trap 'trap - TERM; kill -TERM -- -$$ 2>/dev/null; exit 143' TERM INT HUP`,
  // `0<&0`: the script keeps the outer bash's stdin (a background job's default is /dev/null).
  // `"\${@:3}"`: the script's own positional parameters (`options.args`), as data.
  `"$BASH" --noprofile --norc -e -o pipefail -c "$1" "$2" "\${@:3}" 0<&0 &`,
  `wait $!`,
].join("\n");

/** How long a script has to end after SIGTERM before it is killed. */
const KILL_GRACE_MS = 1_000;

/** What the worker gives {@linkcode runScript}. */
export interface ScriptRun {
  /** The task's name. */
  readonly task: string;
  /** The task's root (absolute). */
  readonly root: string;
  /** Its declared scope, for a denial. */
  readonly scope: string;
  /** The declared binaries → their absolute paths. */
  readonly binaries: Readonly<Record<string, string>>;
  /** `PATH` and the declared env vars (and the dotenv files' declared ones). */
  readonly env: Readonly<Record<string, string>>;
  /** Whether the task declares `interactive`: the script then reads wst's stdin. */
  readonly interactive: boolean;
  /** The task's abort signal. */
  readonly signal: AbortSignal;
  /** Receives the script's output, decoded, in order per stream. */
  readonly output: (stream: "stdout" | "stderr", text: string) => void;
}

/**
 * Runs a script with `bash`, as `ctx.script` documents.
 *
 * @param source The script, byte for byte.
 * @param run What the task gives it.
 * @param options `cwd`, `env`, `ignoreError`.
 * @returns The exit code.
 * @throws {SandboxDeniedError} bash not declared, or `cwd` outside the root.
 * @throws {ScriptFailedError} A non-zero exit, unless `ignoreError`.
 * @throws {InterruptedError} When the task was aborted.
 */
export async function runScript(
  source: string,
  run: ScriptRun,
  options: ScriptOptions = {},
): Promise<ScriptResult> {
  const refuse = (operation: string) =>
    new SandboxDeniedError({ task: run.task, operation, scope: run.scope });
  if (typeof source !== "string") {
    throw new TypeError(`ctx.script expects the script as a string, found ${typeof source}`);
  }
  // Declared by name (`bash`) or as a path (`/bin/bash`).
  const bash = run.binaries[SCRIPT_SHELL] ??
    Object.entries(run.binaries).find(([name]) => name.endsWith(`${SEP}${SCRIPT_SHELL}`))?.[1];
  if (bash === undefined) throw refuse(`run access to ${JSON.stringify(SCRIPT_SHELL)}`);
  const cwd = scriptFolder(run.root, options.cwd);
  if (cwd === undefined) {
    throw refuse(
      `running a script in ${JSON.stringify(options.cwd)}, outside the root ${
        JSON.stringify(run.root)
      }`,
    );
  }
  // No step starts once the run is aborting, a Ctrl-C that has not reached the worker yet included.
  beforeStep(run.signal);
  const env: Record<string, string> = { ...run.env };
  for (const [name, value] of Object.entries(options.env ?? {})) env[name] = String(value);
  let child: Deno.ChildProcess;
  try {
    child = spawn(bash, {
      cwd,
      env,
      source,
      task: run.task,
      interactive: run.interactive,
      args: (options.args ?? []).map(String),
    });
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound) || !/cwd/.test(err.message)) throw err;
    throw new WstError(
      `Cannot run the script in ${
        JSON.stringify(options.cwd ?? ".")
      }: the folder does not exist (confined, only the declared paths do)`,
    );
  }
  let killTimer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    try {
      child.kill("SIGTERM");
    } catch { /* already gone */ }
    killTimer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, KILL_GRACE_MS);
  };
  run.signal.addEventListener("abort", stop, { once: true });
  try {
    const [status] = await Promise.all([
      child.status,
      relay(child.stdout, (text) => run.output("stdout", text)),
      relay(child.stderr, (text) => run.output("stderr", text)),
    ]);
    if (run.signal.aborted) {
      throw new InterruptedError(`Task ${JSON.stringify(run.task)} was interrupted`);
    }
    // Killed by the terminal's Ctrl-C (or a SIGTERM) before wst's abort reached this worker:
    // an interruption once it does, never a failure a caller could ignore.
    if (status.signal === "SIGINT" || status.signal === "SIGTERM") beforeStep(run.signal);
    const code = status.signal === null ? status.code : 128 + signalNumber(status.signal);
    if (code !== 0 && options.ignoreError !== true) {
      throw new ScriptFailedError({ task: run.task, line: firstLine(source), code });
    }
    return { code };
  } finally {
    run.signal.removeEventListener("abort", stop);
    if (killTimer !== undefined) clearTimeout(killTimer);
  }
}

function spawn(
  bash: string,
  options: {
    cwd: string;
    env: Record<string, string>;
    source: string;
    task: string;
    interactive: boolean;
    args: readonly string[];
  },
): Deno.ChildProcess {
  const { cwd, env, source, task } = options;
  const Command = command();
  return new Command(bash, {
    args: ["--noprofile", "--norc", "-c", OUTER, task, source, task, ...options.args],
    cwd,
    env,
    clearEnv: true,
    detached: true,
    stdin: options.interactive ? "inherit" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/**
 * The folder a script runs in: the root, or `cwd` resolved against it;
 * undefined when that is outside the root.
 *
 * @param root The task's root (absolute).
 * @param cwd The script's `cwd` option.
 * @returns The absolute folder, or undefined.
 */
export function scriptFolder(root: string, cwd: string | undefined): string | undefined {
  if (cwd === undefined || cwd === "" || cwd === ".") return root;
  const folder = resolvePath(root, String(cwd));
  const inside = folder === root || folder.startsWith(root.endsWith(SEP) ? root : `${root}${SEP}`);
  return inside ? folder : undefined;
}

/**
 * The line a failure names: the script's first line with something on it,
 * trimmed and shortened to 80 characters.
 *
 * @param source The script.
 * @returns The line.
 */
export function firstLine(source: string): string {
  const line = source.split("\n").map((l) => l.trim()).find((l) => l !== "") ?? "";
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

async function relay(
  stream: ReadableStream<Uint8Array>,
  write: (text: string) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    const text = decoder.decode(chunk, { stream: true });
    if (text !== "") write(text);
  }
  const rest = decoder.decode();
  if (rest !== "") write(rest);
}

const SIGNALS: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGPIPE: 13,
  SIGTERM: 15,
};

function signalNumber(signal: string): number {
  return SIGNALS[signal] ?? 0;
}
