// The worker bundles of the built-in tasks, built on first use into a cache
// keyed by a hash of their sources (docs/adr/0004). This module is the lean,
// synchronous side that runs on the start-up path of a task run: a warm run
// reads one small stamp file and stats the files it lists, nothing else. When
// a stamp is missing or a stat differs, it runs the builder
// (`_bundle_build.ts`) in a child process, which hashes, reuses or rebuilds.
import { ExitCode, InterruptedError, WstError } from "../errors/mod.ts";

/** Where a bundle's sources live and where its cached files go. */
export interface BundleCacheOptions {
  /** The folder of the sources: `deno.json`, `deno.lock`, `tasks/`, `lib/`. */
  readonly root: URL;
  /** The cache folder: one stamp and one bundle per task. */
  readonly cacheDir: URL;
  /** The worker runtime bundled with each task (it exports `serve`). */
  readonly runtime: URL;
  /**
   * The URL the bundle's code takes as its own `import.meta.url` (a module
   * next to its sources), for code that finds files relative to itself; by
   * default the bundle's own URL in the cache folder.
   */
  readonly selfUrl?: URL;
  /**
   * Bundle the module as it is (its exports), not as a task served by the
   * worker runtime: a command's code the CLI loads in one file (`wst guard`).
   */
  readonly plain?: boolean;
}

/** wst's own bundle cache: `lib/registry/_bundles/` in the checkout (gitignored). */
export const BUNDLE_CACHE: BundleCacheOptions = {
  root: new URL("../../", import.meta.url),
  cacheDir: new URL("./_bundles/", import.meta.url),
  runtime: new URL("../sandbox/_worker_runtime.ts", import.meta.url),
};

/** `wst guard`'s code, bundled as a plain module (docs/adr/0018). */
export const GUARD_BUNDLE: { readonly module: string; readonly cache: BundleCacheOptions } = {
  module: "lib/cli/_guard_main.ts",
  cache: { ...BUNDLE_CACHE, plain: true },
};

/**
 * The worker runtime alone, bundled as a plain module: a local task's worker
 * imports it, then the task's module (docs/adr/0004). One file of ~80 kB
 * instead of a graph of ~50 modules: ~55 ms less per local task run.
 */
export const RUNTIME_BUNDLE: { readonly module: string; readonly cache: BundleCacheOptions } = {
  module: "lib/sandbox/_worker_runtime.ts",
  cache: {
    ...BUNDLE_CACHE,
    plain: true,
    selfUrl: new URL("../sandbox/_worker_runtime.ts", import.meta.url),
  },
};

/** The builder, run in a child process when a stamp is not fresh. */
const BUILDER_URL = new URL("./_bundle_build.ts", import.meta.url);

/**
 * What a stamp (`<task>.stamp.json`) records about the bundle it names: the
 * files it was built from, each with the size and modification time it had
 * when its content was hashed.
 */
export interface Stamp {
  /** The task module, relative to the root (`tasks/validate_config.ts`). */
  readonly module: string;
  /** The Deno that built it (its bundler and runtime are part of the key). */
  readonly deno: string;
  /** SHA-256 of the Deno version, the module and every source's path and content. */
  readonly hash: string;
  /** The bundle's file name in the cache folder. */
  readonly bundle: string;
  /**
   * The files of its chunks, next to it: code it imports only on some paths
   * (the `yaml` package that positions configuration errors), or shares.
   */
  readonly chunks?: readonly string[];
  /** `[path relative to the root (or a URL), size, mtime in ms]`, sorted by path. */
  readonly sources: ReadonlyArray<readonly [string, number, number]>;
}

/** The file stem of a task module's cache files: `tasks/init.ts` → `init`. */
export function bundleStem(module: string): string {
  return module.slice(module.lastIndexOf("/") + 1).replace(/\.ts$/, "");
}

/** A stamp's file in the cache folder. */
export function stampUrl(module: string, options: BundleCacheOptions): URL {
  return new URL(`${bundleStem(module)}.stamp.json`, options.cacheDir);
}

/**
 * Reads a task's stamp.
 *
 * @returns The stamp, or null when there is none or it cannot be read as one.
 */
export function readStamp(module: string, options: BundleCacheOptions): Stamp | null {
  let text: string;
  try {
    text = Deno.readTextFileSync(stampUrl(module, options));
  } catch {
    return null;
  }
  try {
    const stamp = JSON.parse(text) as Stamp;
    return typeof stamp.bundle === "string" && Array.isArray(stamp.sources) ? stamp : null;
  } catch {
    return null;
  }
}

/**
 * The size and modification time of a file, as a stamp records them; `-1`
 * and `0` for a file that does not exist.
 *
 * @param path A path (cheaper to stat than a URL: no conversion), or a `file:` URL.
 */
export function statSource(path: string | URL): [number, number] {
  try {
    const info = Deno.statSync(path);
    return [info.size, info.mtime?.getTime() ?? 0];
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [-1, 0];
    throw err;
  }
}

/**
 * The file path of a source recorded in a stamp: relative to the root, or a
 * `file:` URL for a file outside it.
 */
export function sourcePath(source: string, options: BundleCacheOptions): string {
  return source.startsWith("file:") ? filePath(new URL(source)) : filePath(options.root) + source;
}

/** A `file:` URL's path (a folder's keeps its final separator). */
function filePath(url: URL): string {
  const path = decodeURIComponent(url.pathname);
  return Deno.build.os === "windows" ? path.slice(1) : path;
}

/**
 * Whether a stamp still describes the files on disk: same Deno, every source
 * with the size and modification time it had, and the bundle present. Stats
 * only, no reads.
 */
export function isFresh(stamp: Stamp, options: BundleCacheOptions): boolean {
  if (stamp.deno !== Deno.version.deno) return false;
  const root = filePath(options.root);
  for (const [source, size, mtime] of stamp.sources) {
    const path = source.startsWith("file:") ? filePath(new URL(source)) : root + source;
    const [nowSize, nowMtime] = statSource(path);
    if (nowSize !== size || nowMtime !== mtime) return false;
  }
  return filesPresent(stamp, options);
}

/**
 * Whether a stamp's bundle and every chunk of it are in the cache folder.
 *
 * @param stamp The bundle's name and its chunks'.
 * @param options The cache.
 */
export function filesPresent(
  stamp: Pick<Stamp, "bundle" | "chunks">,
  options: BundleCacheOptions,
): boolean {
  const folder = filePath(options.cacheDir);
  return [stamp.bundle, ...(stamp.chunks ?? [])].every((file) =>
    statSource(folder + file)[0] !== -1
  );
}

/** Bundle URLs (or the error building one) already worked out by this process. */
const known = new Map<string, string | WstError>();

/**
 * The `file:` URL of the worker bundle of a built-in task (the task bundled
 * with the worker runtime), built first if it is missing or stale; undefined
 * for a local task, whose worker imports its module.
 *
 * Call it when a task's worker is about to start, never for listing: a warm
 * call stats the bundle's sources (a few dozen files), a cold one builds the
 * bundle (about a second, in a child process that holds a lock so that
 * concurrent runs build it once). Inside a compiled binary the sources are
 * absent: the bundles embedded by `deno task compile` are used as they are.
 *
 * @param entry The task: its source and its module's path in wst's checkout.
 * @returns The bundle's URL, or undefined for a local task.
 * @throws {WstError} When the bundle cannot be built (exit code 1): the
 * message names the task and gives `deno bundle`'s error.
 */
export function workerUrl(
  entry: { readonly name: string; readonly source: string; readonly file: string },
): string | undefined {
  if (entry.source !== "built-in") return undefined;
  return bundleUrl(entry.file, { task: entry.name });
}

/**
 * {@linkcode workerUrl} for any task module and cache.
 *
 * @param module The task module, relative to the root (`tasks/init.ts`).
 * @param options The task's name for messages; the cache (default: wst's own);
 * `standalone`: trust the stamps as they are, as a compiled binary does (default:
 * `Deno.build.standalone`).
 * @returns The bundle's `file:` URL.
 * @throws {WstError} When the bundle cannot be built.
 */
export function bundleUrl(
  module: string,
  options: { task: string; cache?: BundleCacheOptions; standalone?: boolean },
): string {
  const cache = options.cache ?? BUNDLE_CACHE;
  const standalone = options.standalone ?? Deno.build.standalone;
  const key = new URL(module, cache.cacheDir).href;
  const seen = known.get(key);
  if (seen instanceof WstError) throw seen;
  // Another process may have rebuilt and pruned it since (a long run of subtasks).
  if (seen !== undefined && statSource(filePath(new URL(seen)))[0] !== -1) return seen;
  let url: string;
  try {
    url = freshOrBuilt(module, options.task, cache, standalone);
  } catch (err) {
    if (err instanceof WstError) known.set(key, err);
    throw err;
  }
  known.set(key, url);
  return url;
}

function freshOrBuilt(
  module: string,
  task: string,
  cache: BundleCacheOptions,
  standalone: boolean,
): string {
  const stamp = readStamp(module, cache);
  if (stamp !== null && (standalone || isFresh(stamp, cache))) {
    return new URL(stamp.bundle, cache.cacheDir).href;
  }
  if (standalone) {
    throw new WstError(
      `Cannot start task ${JSON.stringify(task)}: this binary holds no worker bundle for ${
        JSON.stringify(module)
      } (build it with "deno task compile")`,
    );
  }
  return build(module, task, cache);
}

/** Runs the builder in a child process; it prints `{ url, outcome }`. */
function build(module: string, task: string, cache: BundleCacheOptions): string {
  const out = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      "--no-prompt",
      "--no-config",
      "--no-lock",
      "--quiet",
      BUILDER_URL.href,
      module,
      "--root",
      cache.root.href,
      "--cache-dir",
      cache.cacheDir.href,
      "--runtime",
      cache.runtime.href,
      ...(cache.selfUrl === undefined ? [] : ["--self-url", cache.selfUrl.href]),
      ...(cache.plain === true ? ["--plain"] : []),
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", RUST_BACKTRACE: "0" },
  }).outputSync();
  if (out.signal === "SIGINT" || out.code === ExitCode.Interrupted) {
    const message = `Building the worker bundle of task ${JSON.stringify(task)} was interrupted`;
    throw new InterruptedError(message);
  }
  const stderr = new TextDecoder().decode(out.stderr).trim();
  if (!out.success) {
    throw new WstError(
      `Cannot build the worker bundle of task ${JSON.stringify(task)} from ${
        JSON.stringify(module)
      }: ${stderr || `the builder exited with code ${out.code}`}`,
    );
  }
  return (JSON.parse(new TextDecoder().decode(out.stdout)) as { url: string }).url;
}
