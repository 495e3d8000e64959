// Starting a confined runner while wst itself is still loading (docs/adr/0009).
//
// A confined run starts two Denos in a row: wst, then its runner in a
// bubblewrap sandbox (~40 ms). Before it starts the runner, wst loads the CLI,
// finds the task and works out the sandbox (~30 ms), and for a command run
// before, the sandbox comes out the same as the last time. So the first runner
// of a run is recorded (a "launch": bubblewrap's arguments with the runner's
// command, and the warm code cache it gets a copy of), keyed by the command
// line, the working folder, wst's own variables and PATH, in the user's cache
// folder. The next run of that command starts the recorded runner first
// thing, from the entry point, and then does its own work as usual. When it
// comes to start its runner, it takes the early one only if it would start it
// exactly so now, every argument compared; otherwise the early one is killed
// and the runner started anew (and recorded).
//
// An early runner does nothing before its start message, which only the run
// that takes it sends: no task code runs in a sandbox wst did not compute for
// the run. (The runner bundle and a built-in task's bundle, wst's own code,
// load meanwhile.) A launch is recorded from what wst computed, never from
// anything a repository wrote, in a folder of the user's own (0700), and read
// back only from a regular file the user owns. A run that needs stdin
// (`interactive`) is never started early.
//
// This module is loaded by the entry point before anything else: it imports
// only what has no imports of its own.
import { cacheHome } from "../_cache_home.ts";
import { privateCopy } from "./_cache_copy.ts";

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

/** Where a launch's arguments name the run's socket folder (a NUL: never in a path). */
export const SOCKET_SLOT = "\0wst:socket-dir";
/** Where a launch's arguments name the runner's private Deno cache. */
export const DENO_DIR_SLOT = "\0wst:deno-dir";

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

const RECORD_VERSION = 1;
/** Records kept; the oldest go beyond this. */
const MAX_RECORDS = 200;
/** A record is a few kB; anything larger is not one. */
const MAX_RECORD_BYTES = 1 << 20;

/** This process's launch key, once `startEarlyRunner` has run (the CLI's runs only). */
let key: string | undefined;
/** The runner started early, until it is taken or discarded. */
let early: { launch: Launch; runner: StartedRunner } | undefined;
/** Whether this process's first runner was recorded or taken (only the first one is). */
let settled = false;

/**
 * Starts the runner recorded for this command line, if there is one. Called
 * by the entry point before anything else loads; never throws.
 */
export function startEarlyRunner(): void {
  try {
    const home = cacheHome();
    if (home === undefined) return;
    key = launchKey();
    const file = recordPath(home, key);
    const info = Deno.lstatSync(file);
    const uid = Deno.build.os === "windows" ? null : Deno.uid();
    if (!info.isFile || info.size > MAX_RECORD_BYTES || (uid !== null && info.uid !== uid)) return;
    const record = JSON.parse(Deno.readTextFileSync(file));
    if (record?.version !== RECORD_VERSION || record.key !== key || !isLaunch(record.launch)) {
      return;
    }
    const runner = startRunner(record.launch.bwrap, record.launch.args, record.launch.codeCache);
    early = { launch: record.launch, runner };
  } catch {
    // No record (the common case), or one that does not read back: the run starts its runner.
  }
}

/**
 * The runner started early, if it was started exactly as `launch` says and
 * the run does not need stdin; any other is discarded.
 *
 * @param launch How the run would start its runner now.
 * @param interactive Whether the task gets wst's stdin (an early runner has none).
 * @returns The runner, now the caller's; or undefined.
 */
export function takeEarlyRunner(launch: Launch, interactive: boolean): StartedRunner | undefined {
  const started = early;
  early = undefined;
  if (started === undefined) return undefined;
  if (!interactive && sameLaunch(started.launch, launch)) {
    settled = true;
    return started.runner;
  }
  void stopRunner(started.runner);
  return undefined;
}

/**
 * Records how this run started its first runner, for the next run of the same
 * command line (written to a temporary file and renamed; the oldest records
 * go). Later runners of the same run, and a run that needs stdin, are not
 * recorded. Never throws.
 *
 * @param launch How the runner was started.
 * @param interactive Whether the task gets wst's stdin.
 */
export function recordLaunch(launch: Launch, interactive: boolean): void {
  if (key === undefined || settled) return;
  settled = true;
  if (interactive) return;
  try {
    const home = cacheHome();
    if (home === undefined) return;
    const file = recordPath(home, key);
    const folder = file.slice(0, file.lastIndexOf("/"));
    Deno.mkdirSync(folder, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${Deno.pid}.tmp`;
    Deno.writeTextFileSync(tmp, JSON.stringify({ version: RECORD_VERSION, key, launch }), {
      mode: 0o600,
    });
    Deno.renameSync(tmp, file);
    pruneRecords(folder);
  } catch {
    // A cache folder it cannot write: the next run starts its runner late, as this one did.
  }
}

/**
 * Stops the runner started early if no part of the run took it, and removes
 * its folders. The entry point calls it before it exits.
 */
export async function discardEarlyRunner(): Promise<void> {
  const started = early;
  early = undefined;
  if (started !== undefined) await stopRunner(started.runner);
}

/**
 * Starts a runner: its folders, its socket, and bubblewrap with the slots of
 * `args` filled in. The same for a runner started early and one started late,
 * so that the two are started alike.
 *
 * @param bwrap The bubblewrap binary.
 * @param args Its arguments, with slots.
 * @param codeCache The warm code cache to copy, if any.
 * @param stdin The runner's stdin.
 * @returns The runner, listening for its connection.
 */
export function startRunner(
  bwrap: string,
  args: readonly string[],
  codeCache: string | undefined,
  stdin: "null" | "inherit" = "null",
): StartedRunner {
  const folders = newRunFolders(codeCache);
  let listener: Deno.UnixListener | undefined;
  try {
    listener = Deno.listen({ transport: "unix", path: `${folders.socketDir}/socket` });
    const child = new Deno.Command(bwrap, {
      args: fillSlots(args, folders),
      clearEnv: true,
      env: {},
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
 * New folders for one runner: the socket's (0700), and a private copy of the
 * warm code cache (an empty folder when the copy fails: the runner compiles
 * anew).
 */
export function newRunFolders(codeCache: string | undefined): RunFolders {
  const socketDir = Deno.makeTempDirSync({ prefix: "wst-runner-" });
  Deno.chmodSync(socketDir, 0o700);
  if (codeCache === undefined) return { socketDir };
  try {
    return {
      socketDir,
      denoDir: privateCopy(codeCache) ?? Deno.makeTempDirSync({ prefix: "wst-runner-deno-" }),
    };
  } catch (err) {
    removeRunFolders({ socketDir });
    throw err;
  }
}

/** Removes a runner's folders (what is already gone is no error). */
export function removeRunFolders(folders: RunFolders): void {
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

async function stopRunner(runner: StartedRunner): Promise<void> {
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
    (launch.codeCache === undefined || typeof launch.codeCache === "string");
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

function recordPath(home: string, key: string): string {
  return `${home}/launch/${fnv1a(key, 0x811c9dc5)}${fnv1a(key, 0x01000193)}.json`;
}

/** FNV-1a, 32 bits, from `seed`, as 8 hex digits (two seeds make a file name, not a check: the key is compared). */
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
    const path = `${folder}/${entry.name}`;
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
