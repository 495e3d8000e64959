// The V8 code cache of a confined runner that runs a built-in task in its own
// isolate (docs/adr/0009). The sandbox's Deno cache starts empty, so the
// runner and the task's bundle would be compiled anew on every run (~80 ms
// of a confined `validate-config`). Instead the host warms a small cache for
// the pair once, outside the sandbox, by loading the two bundles (wst's own
// code, built by wst; never a repository's module) in a Deno of its own, and
// keeps it in wst's bundle cache. Each run binds a private copy of it
// (`_cache_copy.ts`).
import { BUNDLE_CACHE } from "../registry/_bundle_cache.ts";
import { CACHE_FILES } from "./_cache_copy.ts";

/** The warm cache's suffix: a new one when what it holds changes (`.v8`, before, held the code cache only: it is removed). */
const CACHE_VERSION = "denocache";

const filePath = (url: URL | string) => decodeURIComponent(new URL(url).pathname);

const stem = (path: string) => path.slice(path.lastIndexOf("/") + 1).replace(/\.js$/, "");

/** A bundle's stem without its hash: `validate_config-0123abcd.js` → `validate_config`. */
const stemName = (path: string) => stem(path).replace(/-[0-9a-f]+$/, "");

/**
 * The warm code cache for a runner bundle and a task bundle, warmed first
 * when there is none; undefined when it cannot be made (the run goes on
 * without a cache).
 *
 * @param runner The runner bundle's path.
 * @param task The task bundle's path.
 * @param flags The runner's V8 and config flags (the cache is only valid for the same ones).
 * @param wstDir wst's folder, the runner's working folder (its `deno.json`).
 * @returns The warm folder, for the caller to copy (`privateCopy`) and bind.
 */
export function runnerCodeCache(
  runner: string,
  task: string,
  flags: readonly string[],
  wstDir: string,
): string | undefined {
  const dir = `${filePath(BUNDLE_CACHE.cacheDir)}${stem(task)}+${stem(runner)}.${CACHE_VERSION}`;
  return warmed(dir, () => warm(dir, runner, [task], flags, wstDir, `${stemName(task)}-`));
}

/**
 * The warm cache of a runner that runs a local task in a worker: the runner bundle and wst's side of a local task (the worker
 * runtime, its bundle or its sources; `@wst/wst` and the `zod` it maps), loaded by the host in a sandbox
 * of the runner's own layout (wst's code only: never the repository's module,
 * which each run compiles anew). Keyed by the runner bundle and the size and modification
 * time of the two entries the runner bundle does not cover; a stale entry of
 * the cache is only slower (Deno checks each module's source hash), never wrong.
 *
 * @param runner The runner bundle's path.
 * @param flags The runner's V8 flags.
 * @param wstDir wst's folder, the runner's working folder (its `deno.json`).
 * @param runtime The worker runtime's `file:` URL (default: its sources).
 * @param sandboxed Turns the warming command into one that runs in a sandbox laid out as the
 *   runner's (its Deno cache the given folder): zod's modules are files of the Deno cache's
 *   `npm/`, and V8 keys its code cache by their paths, which are the sandbox's.
 * @returns The warm folder, for the caller to copy (`privateCopy`) and bind.
 */
export function localRunnerCodeCache(
  runner: string,
  flags: readonly string[],
  wstDir: string,
  sandboxed: Sandboxed,
  runtime?: string,
): string | undefined {
  const entries = [
    runtime === undefined ? `${wstDir}/lib/sandbox/_worker_runtime.ts` : filePath(runtime),
    `${wstDir}/mod.ts`,
  ];
  let key = 0;
  for (const entry of entries) {
    const info = lstatOrUndefined(entry);
    if (info === undefined) return undefined;
    key = hashOf(`${key}:${entry}:${info.size}:${info.mtime?.getTime() ?? 0}`);
  }
  const prefix = `${LOCAL_STEM}-`;
  const dir = `${filePath(BUNDLE_CACHE.cacheDir)}${prefix}${key.toString(16).padStart(8, "0")}+${
    stem(runner)
  }.${CACHE_VERSION}`;
  const targets = [...entries.map((path) => `file://${path}`), "zod"];
  return warmed(dir, () => warm(dir, runner, targets, flags, wstDir, prefix, sandboxed));
}

/**
 * Wraps a Deno command (`[deno, …args]`) to run in a sandbox whose Deno cache
 * is `denoDir`, with the environment to start it with (the sandbox's).
 */
export type Sandboxed = (
  command: readonly string[],
  denoDir: string,
) => { readonly command: readonly string[]; readonly env: Record<string, string> };

/** The file stem of the local runner's warm caches. */
const LOCAL_STEM = "_local_runner";

/** FNV-1a: a short key for a few stats (not a content hash). */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** `dir`, warmed first when it holds no cache; undefined when warming fails. */
function warmed(dir: string, warmIt: () => void): string | undefined {
  try {
    if (!exists(`${dir}/${CACHE_FILES[0]}`)) warmIt();
    return dir;
  } catch {
    return undefined;
  }
}

function lstatOrUndefined(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch {
    return undefined;
  }
}

function exists(path: string): boolean {
  return lstatOrUndefined(path) !== undefined;
}

/**
 * Loads the runner bundle and the modules it is warmed for in a Deno whose
 * cache is a new folder, then renames it into place (another process warming
 * the same at once wins or loses the rename; both results are the same).
 * Older caches whose names start with `prefix` go.
 */
function warm(
  dir: string,
  runner: string,
  targets: readonly string[],
  flags: readonly string[],
  wstDir: string,
  prefix: string,
  sandboxed?: Sandboxed,
) {
  const folder = dir.slice(0, dir.lastIndexOf("/"));
  const tmp = `${dir}.${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.tmp`;
  Deno.mkdirSync(tmp);
  try {
    const deno = [
      Deno.execPath(),
      "run",
      "--quiet",
      "--allow-read",
      "--no-prompt",
      ...flags,
      runner,
      "--warm",
      ...targets,
    ];
    const run = sandboxed?.(deno, tmp) ?? {
      command: deno,
      env: { DENO_DIR: tmp, PATH: Deno.env.get("PATH") ?? "" },
    };
    const [command, ...args] = run.command;
    const out = new Deno.Command(command!, {
      args,
      cwd: wstDir,
      clearEnv: true,
      env: run.env,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).outputSync();
    if (!out.success) throw new Error(`warming exited with ${out.code}`);
    for (const entry of Deno.readDirSync(tmp)) {
      if (!CACHE_FILES.includes(entry.name)) {
        Deno.removeSync(`${tmp}/${entry.name}`, { recursive: true });
      }
    }
    try {
      Deno.renameSync(tmp, dir);
    } catch {
      // Warmed by another process meanwhile.
    }
    for (const entry of Deno.readDirSync(folder)) {
      const name = entry.name;
      if (
        name.startsWith(prefix) && /\.(?:v8|denocache)$/.test(name) && `${folder}/${name}` !== dir
      ) {
        Deno.removeSync(`${folder}/${name}`, { recursive: true });
      }
    }
  } finally {
    try {
      Deno.removeSync(tmp, { recursive: true });
    } catch {
      // renamed into place
    }
  }
}
