// The registry cache (docs/adr/0010): what inspecting a root's local task
// modules gave, keyed by the root, with a fingerprint of its namespaces' `.wst/` folders,
// in the user's cache folder (never in the repository, so a repository cannot
// plant it). It is a hint: every entry is checked again (`checkMeta`) before
// use, a fingerprint that differs means inspecting again, and commands that
// run a task do not use it.
import { REPO_ROOT } from "../../scripts/runtime_flags.ts";
import { resolvePath, SEP } from "../_path.ts";
import type { TaskMeta } from "../task/describe.ts";
import type { InspectProblem } from "./_inspect.ts";
import { listModuleFiles } from "../sandbox/_module_files.ts";
import type { Namespace } from "./_namespaces.ts";

/** What inspecting one module gave: its description or why it is left out. */
export type CachedModule = { meta: TaskMeta } | { problem: InspectProblem };

/** The cache file of one root. */
export interface RegistryCache {
  format: typeof FORMAT;
  root: string;
  fingerprint: string;
  /** By module path relative to the root. */
  modules: Record<string, CachedModule>;
  /** The namespaces found when it was written: completion lists them without walking the tree. */
  namespaces: Namespace[];
}

// 2: TaskMeta gained deps, sources and outputs; 3: namespaces; 4: dotenv and envDefaults
const FORMAT = 4;

/**
 * The user's cache folder for wst: `$WST_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/wst`, else `~/.cache/wst` (`%LOCALAPPDATA%\wst` on
 * Windows); undefined when none is known.
 */
export function cacheHome(
  env: (name: string) => string | undefined = (name) => Deno.env.get(name),
): string | undefined {
  const own = env("WST_CACHE_DIR");
  if (own) return resolvePath(Deno.cwd(), own);
  const xdg = env("XDG_CACHE_HOME");
  if (xdg) return resolvePath(xdg, "wst");
  if (Deno.build.os === "windows") {
    const local = env("LOCALAPPDATA");
    return local ? resolvePath(local, "wst") : undefined;
  }
  const home = env("HOME");
  return home ? resolvePath(home, ".cache/wst") : undefined;
}

/**
 * The cache file of a root: `<cache home>/registry/<sha-256 of the root>.json`.
 *
 * @param root Absolute workspace root.
 * @returns Its path, or undefined without a cache folder.
 */
export async function cachePath(root: string): Promise<string | undefined> {
  const home = cacheHome();
  return home === undefined ? undefined : `${home}${SEP}registry${SEP}${await hex(root)}.json`;
}

/**
 * The cache of a root, if there is one for it that reads back.
 *
 * @param root Absolute workspace root.
 * @returns The cache, or undefined.
 */
export async function readCache(root: string): Promise<RegistryCache | undefined> {
  const path = await cachePath(root);
  if (path === undefined) return undefined;
  try {
    const value = JSON.parse(Deno.readTextFileSync(path)) as RegistryCache;
    if (
      value?.format !== FORMAT || value.root !== root || typeof value.fingerprint !== "string" ||
      typeof value.modules !== "object" || value.modules === null
    ) {
      return undefined;
    }
    // Only entries of the right shape: what they say is checked again by the registry.
    const modules: Record<string, CachedModule> = {};
    for (const [file, module] of Object.entries(value.modules)) {
      if (isCachedModule(module)) modules[file] = module;
    }
    const namespaces = (Array.isArray(value.namespaces) ? value.namespaces : []).filter(
      (ns): ns is Namespace =>
        typeof ns?.name === "string" && typeof ns.dir === "string" && !ns.dir.startsWith("/") &&
        !ns.dir.split("/").includes(".."),
    );
    return { ...value, modules, namespaces };
  } catch {
    return undefined;
  }
}

function isCachedModule(value: unknown): value is CachedModule {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const { meta, problem } = value as { meta?: unknown; problem?: Record<string, unknown> };
  if (typeof meta === "object" && meta !== null && !Array.isArray(meta)) return true;
  return typeof problem === "object" && problem !== null &&
    typeof problem.message === "string" && typeof problem.kind === "string" &&
    (problem.line === undefined || typeof problem.line === "number") &&
    (problem.column === undefined || typeof problem.column === "number");
}

/**
 * Writes the cache of a root: a temporary file of its own, renamed over the
 * cache file, so concurrent writers never mix and a reader sees a whole file.
 * A cache that cannot be written is left alone (it is only a cache).
 *
 * @param root Absolute workspace root.
 * @param fingerprint The `.wst/` folders' fingerprint the modules were inspected at.
 * @param content The modules, by path relative to the root, and the namespaces.
 */
export async function writeCache(
  root: string,
  fingerprint: string,
  content: { modules: Record<string, CachedModule>; namespaces: Namespace[] },
): Promise<void> {
  const path = await cachePath(root);
  if (path === undefined) return;
  const cache: RegistryCache = { format: FORMAT, root, fingerprint, ...content };
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    Deno.mkdirSync(path.slice(0, path.lastIndexOf(SEP)), { recursive: true, mode: 0o700 });
    Deno.writeTextFileSync(tmp, `${JSON.stringify(cache)}\n`, { mode: 0o600 });
    Deno.renameSync(tmp, path);
  } catch {
    try {
      Deno.removeSync(tmp);
    } catch {
      // never written
    }
  }
}

/**
 * A fingerprint of everything loading a root's local modules depends on: the
 * module files (code and JSON, links not followed, `cache/` left out) of the
 * `.wst/` folder of every namespace (docs/adr/0014), by path and content, and
 * the wst sources that describe them.
 *
 * @param root Absolute workspace root.
 * @param dirs The namespaces' folders, relative to the root ("" for the root).
 * @param extra What else decides what loads (the pinned packages missing from Deno's cache).
 * @returns 64 hex digits.
 */
export async function fingerprint(
  root: string,
  dirs: readonly string[] = [""],
  extra = "",
): Promise<string> {
  const files = [...new Set(["", ...dirs])].flatMap((dir) =>
    listModuleFiles(resolvePath(root, dir === "" ? ".wst" : `${dir}/.wst`))
  ).sort();
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [encoder.encode(`${FORMAT}\0${wstStamp()}\0${extra}\0`)];
  for (const file of files) {
    let content: Uint8Array;
    try {
      content = Deno.readFileSync(file);
    } catch {
      content = encoder.encode("\0unreadable");
    }
    parts.push(encoder.encode(`${file.slice(root.length)}\0${content.length}\0`), content);
  }
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    all.set(part, at);
    at += part.length;
  }
  return await hex(all);
}

/** wst's own files that decide what a description holds: a change in them means inspecting again. */
const WST_SOURCES = [
  "lib/task/describe.ts",
  "lib/sandbox/_worker_runtime.ts",
  "lib/sandbox/host.ts",
  "lib/registry/_inspect_child.ts",
  "deno.json",
  "deno.lock",
];

function wstStamp(): string {
  return [
    REPO_ROOT,
    ...WST_SOURCES.map((file) => {
      try {
        const info = Deno.statSync(`${REPO_ROOT}/${file}`);
        return `${info.size}:${info.mtime?.getTime() ?? 0}`;
      } catch {
        return "-";
      }
    }),
  ].join("\0");
}

async function hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
