// Starting a confined runner while wst itself is still loading (docs/adr/0009).
//
// A confined run starts two Denos in a row: wst, then its runner in a
// bubblewrap sandbox (~40 ms). Before it starts the runner, wst loads the CLI,
// finds the task and works out the sandbox (~30 ms), and for a command run
// before, the sandbox comes out the same as the last time. So the first runner
// of a run is recorded (a "launch": bubblewrap's arguments with the runner's
// command, and the warm code cache it gets a copy of), keyed by the command
// line, the working folder, wst's own variables and PATH. The next run of that
// command starts the recorded runner first thing, from the entry point, and
// then does its own work as usual. When it comes to start its runner, it takes
// the early one only if it would start it exactly so now, every argument
// compared; otherwise the early one is killed and the runner started anew
// (and recorded).
//
// A record is code: whatever it names is started before anything is checked.
// So records live in wst's bundle cache, next to the bundles and code caches
// wst already runs from: a folder of wst's own, read-only in every sandbox
// (all of wst's folder is, whatever a task declares: `bwrapArgs`) and hidden
// there under an empty tmpfs; never in the user's cache folder, which a task
// allowed to write there, or a repository that holds it, could fill. A record
// is read back only from a folder and a regular file the user owns (the
// folder writable by no one else). It holds no variable's value: each
// `--setenv` value (wst's own: PATH; a declared variable's value reaches the
// runner in its start message, never a command line) is a slot, filled in from
// wst's own environment when the runner starts, and a launch whose values do
// not all come from there is not recorded; and of the command line only a
// digest. A
// runner that reads a module's pinned configuration (`--config`, in the
// user's cache folder) is never started early: it would read that file before
// the run has checked it.
// Every folder bound is checked to be its own real path just before the early
// runner starts (as when the sandbox is computed): a link put in place of a
// bound folder since the record was made is never followed. A compiled wst,
// whose bundles are built in, records nothing.
//
// An early runner does nothing before its start message, which only the run
// that takes it sends: no task code runs in a sandbox wst did not compute for
// the run. (The runner bundle and a built-in task's bundle, wst's own code,
// load meanwhile.) A run that needs stdin (`interactive`) is never started
// early.
//
// This module is loaded by the entry point before anything else: it imports
// only what has no imports of its own.
import { privateCopy } from "./_cache_copy.ts";
import { resolvePath } from "../_path.ts";

/** How a confined runner is started. */
export interface Launch {
  /** The bubblewrap binary. */
  readonly bwrap: string;
  /**
   * bubblewrap's arguments, then `--` and the runner's command, with
   * {@linkcode SOCKET_SLOT} and {@linkcode DENO_DIR_SLOT} where the run's own
   * folders go.
   */
  readonly args: readonly string[];
  /** The warm code cache the runner's Deno cache is a private copy of. */
  readonly codeCache?: string | undefined;
}

/** Where a launch's arguments name the run's socket folder (a NUL: never in a path or value). */
export const SOCKET_SLOT = "\0wst:socket-dir";
/** Where a launch's arguments name the runner's private Deno cache. */
export const DENO_DIR_SLOT = "\0wst:deno-dir";
/** Where a record names a variable's value: this, then the variable's name. */
const ENV_SLOT = "\0wst:env:";

/** The folders of one runner: its socket's, and its private Deno cache. */
export interface RunFolders {
  readonly socketDir: string;
  readonly denoDir?: string | undefined;
}

/** A runner started, listening for its connection. */
export interface StartedRunner extends RunFolders {
  readonly child: Deno.ChildProcess;
  readonly listener: Deno.UnixListener;
}

const RECORD_VERSION = 5;
/** Records kept; the oldest go beyond this. */
const MAX_RECORDS = 200;
/** A record is a few kB; anything larger is not one. */
const MAX_RECORD_BYTES = 1 << 20;
/** The records' folder: in wst's bundle cache (`BUNDLE_CACHE`, lib/registry/_bundle_cache.ts). */
const RECORDS = new URL("../registry/_bundles/launch/", import.meta.url);
/** The records' folder as a path (every sandbox hides it: `bwrapArgs`). */
export const RECORDS_DIR: string = decodeURIComponent(RECORDS.pathname).replace(/\/$/, "");

/** This process's launch key, once `startEarlyRunner` has run (the CLI's runs only). */
let key: string | undefined;
/** The runner started early (its launch with the values filled in), until taken or discarded. */
let early: { launch: Launch; runner: StartedRunner; exited: boolean; file: string } | undefined;
/** Whether this process's first runner was recorded or taken (only the first one is). */
let settled = false;
/** Early runners being stopped: the entry point waits for them before it exits. */
const stopping = new Set<Promise<void>>();

/**
 * Starts the runner recorded for this command line, if there is one. Called
 * by the entry point before anything else loads; never throws.
 */
export function startEarlyRunner(): void {
  try {
    if (RECORDS.protocol !== "file:") return;
    key = launchKey();
    const folder = ownFolder(RECORDS_DIR);
    if (folder === undefined) return;
    const file = `${folder}${digest(key).slice(0, 16)}.json`;
    const info = Deno.lstatSync(file);
    if (!info.isFile || info.size > MAX_RECORD_BYTES || !ownedByMe(info)) return;
    const record = JSON.parse(Deno.readTextFileSync(file));
    if (
      record?.version !== RECORD_VERSION || record.key !== digest(key) || !isLaunch(record.launch)
    ) {
      return;
    }
    const launch = withValues(record.launch);
    if (launch === undefined || !bindsAreReal(launch.args)) return;
    const runner = startRunner(launch.codeCache, "null", bwrapProcess(launch));
    const started = { launch, runner, exited: false, file };
    runner.child.status.finally(() => (started.exited = true));
    early = started;
  } catch {
    // No record (the common case), or one that does not read back: the run starts its runner.
  }
}

/**
 * The runner started early, if it was started exactly as `launch` says, is
 * still running, and the run does not need stdin; any other is stopped.
 *
 * @param launch How the run would start its runner now.
 * @param interactive Whether the task gets wst's stdin (an early runner has none).
 * @returns The runner, now the caller's; or undefined.
 */
export function takeEarlyRunner(launch: Launch, interactive: boolean): StartedRunner | undefined {
  const started = early;
  early = undefined;
  if (started === undefined) return undefined;
  if (!interactive && !started.exited && sameLaunch(started.launch, launch)) {
    settled = true;
    // Used: the oldest records are the ones pruned.
    try {
      const now = new Date();
      Deno.utimeSync(started.file, now, now);
    } catch { /* gone */ }
    return started.runner;
  }
  stop(started.runner);
  return undefined;
}

/**
 * Records how this run started its first runner, for the next run of the same
 * command line (written to a new temporary file and renamed; the oldest
 * records go). Later runners of the same run are not recorded, nor a run that
 * needs stdin, nor a launch with a variable whose value is not wst's own.
 * Never throws.
 *
 * @param launch How the runner was started.
 * @param interactive Whether the task gets wst's stdin.
 * @param constants Variables whose values are wst's own constants (the
 *   sandbox's `DENO_DIR`), recorded as they are.
 */
export function recordLaunch(
  launch: Launch,
  interactive: boolean,
  constants: readonly string[],
): void {
  if (key === undefined || settled) return;
  settled = true;
  if (interactive) return;
  // A runner with a module's pinned packages reads its configuration, in the user's cache folder,
  // as it starts: started early, before the run has checked that file, it could read another's.
  if (launch.args.includes("--config")) return;
  const recorded = withSlots(launch, constants);
  if (recorded === undefined) return;
  try {
    Deno.mkdirSync(RECORDS_DIR, { recursive: true, mode: 0o700 });
    const folder = ownFolder(RECORDS_DIR);
    if (folder === undefined) return;
    const file = `${folder}${digest(key).slice(0, 16)}.json`;
    const tmp = `${file}.${crypto.randomUUID()}.tmp`;
    // The key's digest, not the key: a command line can hold a secret (`--token …`).
    const text = JSON.stringify({ version: RECORD_VERSION, key: digest(key), launch: recorded });
    Deno.writeTextFileSync(tmp, text, { createNew: true, mode: 0o600 });
    try {
      Deno.renameSync(tmp, file);
    } catch (err) {
      Deno.removeSync(tmp);
      throw err;
    }
    pruneRecords(folder);
  } catch {
    // A bundle cache it cannot write (a read-only install, a compiled wst): nothing recorded.
  }
}

/**
 * Stops the runner started early if no part of the run took it, and waits
 * until every early runner stopped is gone with its folders. The entry point
 * calls it before it exits.
 */
export async function discardEarlyRunner(): Promise<void> {
  const started = early;
  early = undefined;
  if (started !== undefined) stop(started.runner);
  await Promise.all(stopping);
}

/** How a runner's process starts once its folders exist. */
export interface RunnerProcess {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
}

/**
 * Starts a runner: its folders, its socket, then its process.
 *
 * @param codeCache The warm code cache to copy into its Deno cache, if any.
 * @param stdin The runner's stdin.
 * @param process The process, given the folders (their paths go in its arguments).
 * @returns The runner, listening for its connection.
 */
export function startRunner(
  codeCache: string | undefined,
  stdin: "null" | "inherit",
  process: (folders: RunFolders) => RunnerProcess,
): StartedRunner {
  const folders = newRunFolders(codeCache);
  let listener: Deno.UnixListener | undefined;
  try {
    listener = Deno.listen({ transport: "unix", path: `${folders.socketDir}/socket` });
    const { command, args, env } = process(folders);
    const child = new Deno.Command(command, {
      args: [...args],
      clearEnv: true,
      env,
      stdin,
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    return { ...folders, listener, child };
  } catch (err) {
    try {
      listener?.close();
    } catch { /* closed */ }
    removeRunFolders(folders);
    throw err;
  }
}

/**
 * bubblewrap with a launch's arguments, the slots filled in, and nothing of
 * wst's environment: a runner started early and one started late start alike.
 */
export function bwrapProcess(launch: Launch): (folders: RunFolders) => RunnerProcess {
  return (folders) => ({ command: launch.bwrap, args: fillSlots(launch.args, folders), env: {} });
}

/**
 * New folders for one runner: the socket's (0700), and a private copy of the
 * warm code cache (an empty folder when the copy fails: the runner compiles
 * anew).
 */
function newRunFolders(codeCache: string | undefined): RunFolders {
  // Absolute: a relative TMPDIR would name another folder once the run has changed folder.
  const socketDir = resolvePath(Deno.cwd(), Deno.makeTempDirSync({ prefix: "wst-runner-" }));
  Deno.chmodSync(socketDir, 0o700);
  if (codeCache === undefined) return { socketDir };
  try {
    const copy = privateCopy(codeCache) ?? Deno.makeTempDirSync({ prefix: "wst-runner-deno-" });
    return { socketDir, denoDir: resolvePath(Deno.cwd(), copy) };
  } catch (err) {
    removeRunFolders({ socketDir });
    throw err;
  }
}

/** Removes a runner's folders (what is already gone is no error). */
function removeRunFolders(folders: RunFolders): void {
  for (const dir of [folders.socketDir, folders.denoDir]) {
    if (dir === undefined) continue;
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch { /* gone */ }
  }
}

/** `args` with the run's folders in their slots. */
export function fillSlots(args: readonly string[], folders: RunFolders): string[] {
  return args.map((arg) =>
    arg === SOCKET_SLOT ? folders.socketDir : arg === DENO_DIR_SLOT ? folders.denoDir ?? arg : arg
  );
}

/** SIGKILLs an early runner nobody took; its folders go once it is gone. */
function stop(runner: StartedRunner): void {
  const done = (async () => {
    try {
      runner.listener.close();
    } catch { /* closed */ }
    try {
      runner.child.kill("SIGKILL");
    } catch { /* exited */ }
    await runner.child.status.catch(() => {});
    // Its output is nobody's: drained, so that nothing waits on it.
    await Promise.all([runner.child.stdout.cancel(), runner.child.stderr.cancel()]).catch(() => {});
    removeRunFolders(runner);
  })();
  stopping.add(done);
  done.finally(() => stopping.delete(done));
}

/**
 * The number of values each of bubblewrap's options that wst gives takes.
 * A launch with any other is not recorded or started.
 */
const ARITY: Readonly<Record<string, number>> = {
  "--unshare-all": 0,
  "--share-net": 0,
  "--die-with-parent": 0,
  "--new-session": 0,
  "--clearenv": 0,
  "--setenv": 2,
  "--symlink": 2,
  "--bind": 2,
  "--ro-bind": 2,
  "--dir": 1,
  "--tmpfs": 1,
  "--proc": 1,
  "--dev": 1,
  "--chdir": 1,
};

/**
 * bubblewrap's options in a launch, each with its values, read by their
 * arity (a value that reads `--` is a value); undefined when an option is
 * not one wst gives, or the `--` before the runner's command is missing.
 */
function options(args: readonly string[]): Array<{ at: number; name: string }> | undefined {
  const found: Array<{ at: number; name: string }> = [];
  let i = 0;
  while (i < args.length && args[i] !== "--") {
    const arity = ARITY[args[i]!];
    if (arity === undefined || i + arity >= args.length) return undefined;
    found.push({ at: i, name: args[i]! });
    i += 1 + arity;
  }
  return i < args.length ? found : undefined;
}

/**
 * The launch as recorded: each `--setenv` value a slot (undefined: one is not
 * wst's own). Exported for its tests.
 */
export function withSlots(launch: Launch, constants: readonly string[]): Launch | undefined {
  const found = options(launch.args);
  if (found === undefined) return undefined;
  const args = [...launch.args];
  for (const { at, name } of found) {
    if (name !== "--setenv") continue;
    const variable = args[at + 1]!;
    if (constants.includes(variable)) continue;
    if (Deno.env.get(variable) !== args[at + 2]) return undefined;
    args[at + 2] = `${ENV_SLOT}${variable}`;
  }
  return { ...launch, args };
}

/**
 * A recorded launch with its variables' values, from this process's
 * environment (undefined: one is not set). Exported for its tests.
 */
export function withValues(launch: Launch): Launch | undefined {
  const args: string[] = [];
  for (const arg of launch.args) {
    if (!arg.startsWith(ENV_SLOT)) {
      args.push(arg);
      continue;
    }
    const value = Deno.env.get(arg.slice(ENV_SLOT.length));
    if (value === undefined) return undefined;
    args.push(value);
  }
  return { ...launch, args };
}

/**
 * Whether every folder and file the arguments bind is its own real path now
 * (no link on the way), and every option is one wst gives. Exported for its
 * tests.
 */
export function bindsAreReal(args: readonly string[]): boolean {
  const found = options(args);
  if (found === undefined) return false;
  for (const { at, name } of found) {
    if (name !== "--bind" && name !== "--ro-bind") continue;
    const source = args[at + 1]!;
    if (source === SOCKET_SLOT || source === DENO_DIR_SLOT) continue;
    if (Deno.realPathSync(source) !== source) return false;
  }
  return true;
}

function sameLaunch(a: Launch, b: Launch): boolean {
  return a.bwrap === b.bwrap && a.codeCache === b.codeCache && a.args.length === b.args.length &&
    a.args.every((arg, i) => arg === b.args[i]);
}

function isLaunch(value: unknown): value is Launch {
  const launch = value as Launch | null;
  return typeof launch === "object" && launch !== null && typeof launch.bwrap === "string" &&
    launch.bwrap.startsWith("/") && Array.isArray(launch.args) &&
    launch.args.every((arg) => typeof arg === "string") && launch.args.includes("--") &&
    !launch.args.includes("--config") &&
    (launch.codeCache === undefined || typeof launch.codeCache === "string");
}

/** `path` with a trailing slash when it is a folder (not a link) the user owns that no one else can write. */
function ownFolder(path: string): string | undefined {
  const info = Deno.lstatSync(path);
  if (!info.isDirectory || !ownedByMe(info) || ((info.mode ?? 0) & 0o022) !== 0) return undefined;
  return path.endsWith("/") ? path : `${path}/`;
}

function ownedByMe(info: Deno.FileInfo): boolean {
  return Deno.build.os === "windows" || info.uid === Deno.uid();
}

/**
 * What a run's sandbox is predicted from: wst's executable and entry, the
 * working folder, the command line, and wst's own variables and PATH (a run
 * with `WST_CONFINE=off` is another command). The rest is checked when the
 * runner is taken.
 */
function launchKey(): string {
  const env = Object.entries(Deno.env.toObject())
    .filter(([name]) => name.startsWith("WST_") || name === "PATH")
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([Deno.execPath(), Deno.mainModule, Deno.cwd(), Deno.args, env]);
}

/**
 * A digest of a key: four FNV-1a hashes from different seeds, 128 bits (not
 * a check against forgery: no one but the user writes the records; a
 * collision only starts a runner the run then does not take).
 */
function digest(key: string): string {
  return [0x811c9dc5, 0x01000193, 0x050c5d1f, 0x2b4c8e6d].map((seed) => fnv1a(key, seed)).join("");
}

/** FNV-1a, 32 bits, from `seed`, as 8 hex digits. */
function fnv1a(text: string, seed: number): string {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

function pruneRecords(folder: string): void {
  const records: Array<{ path: string; mtime: number }> = [];
  for (const entry of Deno.readDirSync(folder)) {
    if (!entry.isFile || !entry.name.endsWith(".json")) continue;
    const path = `${folder}${entry.name}`;
    records.push({ path, mtime: Deno.lstatSync(path).mtime?.getTime() ?? 0 });
  }
  if (records.length <= MAX_RECORDS) return;
  records.sort((a, b) => a.mtime - b.mtime);
  for (const { path } of records.slice(0, records.length - MAX_RECORDS)) {
    try {
      Deno.removeSync(path);
    } catch { /* gone */ }
  }
}
