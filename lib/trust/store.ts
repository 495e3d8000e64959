// The user's approvals: one JSON file in their state folder, never in a
// repository. No zod (`wst list` reads it on the start-up path).
import { ConfigError } from "../errors/mod.ts";
import { writeTextFileAtomic } from "../fs/atomic.ts";
import { isAbsolute } from "../_path.ts";
import { type Reach, REACH_KINDS } from "./reach.ts";

/** One approved task: what its permissions may reach beyond the root. */
export interface Approval {
  /** The approved reach (every approval so far, merged). */
  reach: Reach;
  /** When it was last approved (ISO 8601). */
  approvedAt: string;
  /** The task's module when it was approved, relative to the root (for people). */
  file: string;
}

/** The trust file's content: root (real path) → task name → approval. */
export interface TrustFile {
  version: 1;
  roots: Record<string, Record<string, Approval>>;
}

/**
 * Where approvals live: `$XDG_STATE_HOME/wst/trust.json` (when absolute), else
 * `~/.local/state/wst/trust.json` (Linux and macOS alike), on Windows
 * `%LOCALAPPDATA%\wst\trust.json`.
 *
 * @param env Reads an environment variable (default: the process's).
 * @returns The absolute path.
 * @throws {ConfigError} When no home folder is known.
 */
export function trustFilePath(
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): string {
  const xdg = env("XDG_STATE_HOME");
  // The XDG spec: a relative value is invalid and ignored.
  if (xdg && isAbsolute(xdg)) return `${xdg.replace(/[\\/]+$/, "")}/wst/trust.json`;
  if (Deno.build.os === "windows") {
    const local = env("LOCALAPPDATA");
    if (local) return `${local}\\wst\\trust.json`;
  }
  const home = env("HOME") ?? env("USERPROFILE");
  if (!home) {
    throw new ConfigError([{
      file: "$XDG_STATE_HOME/wst/trust.json",
      path: "",
      message: "Cannot find the trust file: neither XDG_STATE_HOME nor HOME is set",
    }]);
  }
  return `${home.replace(/[\\/]+$/, "")}/.local/state/wst/trust.json`;
}

/**
 * Reads the trust file. A missing file is no approvals; a file that is not
 * a trust file is an error naming it, never taken for an empty one.
 *
 * @param path The trust file.
 * @returns Its content.
 * @throws {ConfigError} When the file is not valid (exit code 2).
 */
export function readTrustFile(path: string): TrustFile {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { version: 1, roots: {} };
    throw err;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw broken(path, `Invalid JSON (${(err as Error).message})`);
  }
  const problem = checkTrustFile(data);
  if (problem !== undefined) throw broken(path, problem);
  return data as TrustFile;
}

function broken(path: string, what: string): ConfigError {
  return new ConfigError([{
    file: path,
    path: "",
    message: `${what}: not a wst trust file. Fix it, or move it aside ` +
      `(\`wst trust --reset\` renames it to trust.json.broken-<time>) and approve the tasks again`,
  }]);
}

function checkTrustFile(data: unknown): string | undefined {
  if (!isObject(data) || data.version !== 1 || !isObject(data.roots)) {
    return 'Expected {"version": 1, "roots": {…}}';
  }
  for (const [root, tasks] of Object.entries(data.roots)) {
    if (!isObject(tasks)) return `roots[${JSON.stringify(root)}]: Expected an object of tasks`;
    for (const [name, approval] of Object.entries(tasks)) {
      const where = `roots[${JSON.stringify(root)}][${JSON.stringify(name)}]`;
      if (
        !isObject(approval) || typeof approval.approvedAt !== "string" ||
        typeof approval.file !== "string" || !isObject(approval.reach)
      ) {
        return `${where}: Expected {"reach": {…}, "approvedAt": "…", "file": "…"}`;
      }
      for (const [kind, list] of Object.entries(approval.reach)) {
        if (
          !(REACH_KINDS as readonly string[]).includes(kind) || !Array.isArray(list) ||
          !list.every((item) => typeof item === "string")
        ) {
          return `${where}.reach.${kind}: Expected a list of strings of read, write, run, env or net`;
        }
      }
    }
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** How long a lock may be held before it is taken for one left by a crashed run. */
const STALE_LOCK_MS = 10_000;
/** How long to wait for another run's lock. */
const LOCK_WAIT_MS = 15_000;

/**
 * Changes the trust file under a lock (`trust.json.lock`, created
 * exclusively): it is read again, changed and written atomically (temporary
 * file, then rename), so two runs approving at once both keep their
 * approvals.
 *
 * @param path The trust file.
 * @param change Changes the content in place (read just now, under the lock).
 * @returns The content written.
 * @throws {ConfigError} When the file is not valid (it is left as it is).
 */
export async function updateTrustFile(
  path: string,
  change: (file: TrustFile) => void,
): Promise<TrustFile> {
  return await withLock(path, async () => {
    const file = readTrustFile(path);
    change(file);
    await writeTextFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`);
    return file;
  });
}

/**
 * Moves a trust file aside (`trust.json.broken-<time>`), under the lock, so
 * that approvals start again from none without losing what was there.
 *
 * @param path The trust file.
 * @returns Where it went, or undefined when there was no file.
 */
export async function moveTrustFileAside(path: string): Promise<string | undefined> {
  return await withLock(path, async () => {
    const aside = `${path}.broken-${new Date().toISOString().replace(/[:.]/g, "-")}`;
    try {
      await Deno.rename(path, aside);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return undefined;
      throw err;
    }
    return aside;
  });
}

async function withLock<T>(path: string, fn: () => Promise<T>): Promise<T> {
  const folder = path.slice(0, Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")));
  await Deno.mkdir(folder, { recursive: true, mode: 0o700 });
  const lock = `${path}.lock`;
  const started = Date.now();
  for (;;) {
    try {
      Deno.openSync(lock, { write: true, createNew: true, mode: 0o600 }).close();
      break;
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
    }
    if (isStale(lock)) {
      await removeIfThere(lock);
      continue;
    }
    if (Date.now() - started > LOCK_WAIT_MS) {
      throw new ConfigError([{
        file: lock,
        path: "",
        message: `Another wst run has held this lock for over ${LOCK_WAIT_MS / 1000} s: ` +
          "remove the file if no wst is running",
      }]);
    }
    await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 30));
  }
  try {
    return await fn();
  } finally {
    await removeIfThere(lock);
  }
}

async function removeIfThere(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
}

function isStale(lock: string): boolean {
  try {
    const mtime = Deno.statSync(lock).mtime;
    return mtime !== null && Date.now() - mtime.getTime() > STALE_LOCK_MS;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false; // gone already: try again
    throw err;
  }
}
