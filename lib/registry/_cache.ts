// The registry cache (docs/adr/0010): what inspecting a root's local task
// modules gave, keyed by the root, with a fingerprint of each of its namespaces' `.wst/` folders,
// in the user's cache folder (never in the repository, so a repository cannot
// plant it). It is a hint: every entry is checked again (`checkMeta`) before
// use, a fingerprint that differs means inspecting again, and commands that
// run a task do not use it.
import { REPO_ROOT } from "../../scripts/runtime_flags.ts";
import { relativeTo, resolvePath, SEP } from "../_path.ts";
import type { TaskMeta } from "../task/describe.ts";
import type { InspectProblem } from "./_inspect.ts";
import { listModuleFiles } from "../sandbox/_module_files.ts";
import type { Namespace } from "./_namespaces.ts";

/** What inspecting one module gave: its description or why it is left out. */
export type CachedModule = { meta: TaskMeta } | { problem: InspectProblem };

/** One module file as it was last seen: its `lstat` and the SHA-256 of its content. */
export interface FileStamp {
  size: number;
  /** Modification time, ms since the epoch. */
  mtime: number;
  /** Status change time, ms since the epoch (set by the kernel: a user cannot set it back). */
  ctime: number;
  ino: number;
  hash: string;
}

/** One `.wst/` folder's module files and the fingerprint they give. */
export interface FolderPrint {
  fingerprint: string;
  /** By path relative to the folder. */
  files: Record<string, FileStamp>;
}

/** The fingerprints of a root's `.wst/` folders, and when their files were looked at. */
export interface FolderPrints {
  /** wst's own sources that decide what a description holds (size and time of each). */
  stamp: string;
  /** When the files were looked at, ms since the epoch (before the first `lstat`). */
  taken: number;
  /** By folder relative to the root: `.wst`, `platform/ingress/.wst`. */
  folders: Record<string, FolderPrint>;
}

/** The cache file of one root. */
export interface RegistryCache extends FolderPrints {
  format: typeof FORMAT;
  root: string;
  /** By module path relative to the root. */
  modules: Record<string, CachedModule>;
  /** The namespaces found when it was written: completion lists them without walking the tree. */
  namespaces: Namespace[];
}

// 2: TaskMeta gained deps, sources and outputs; 3: namespaces; 4: dotenv and envDefaults;
// 5: one print per .wst/ folder, with file stamps
const FORMAT = 5;
/**
 * A file changed less than this long before its stamp was taken may change
 * again within the same timestamp (Deno gives `ctime` in whole seconds): its
 * stamp is not trusted, its content is hashed again (as git does with racily
 * clean files).
 */
const RACY_MS = 3_000;

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
 * The cache file of a root: `<cache home>/registry/<hash of the root>.json`.
 *
 * @param root Absolute workspace root.
 * @returns Its path, or undefined without a cache folder.
 */
export function cachePath(root: string): string | undefined {
  const home = cacheHome();
  return home === undefined ? undefined : `${home}${SEP}registry${SEP}${rootName(root)}.json`;
}

/**
 * The cache of a root, if there is one for it that reads back.
 *
 * @param root Absolute workspace root.
 * @returns The cache, or undefined.
 */
export function readCache(root: string): RegistryCache | undefined {
  const path = cachePath(root);
  if (path === undefined) return undefined;
  try {
    const value = JSON.parse(Deno.readTextFileSync(path)) as RegistryCache;
    if (
      value?.format !== FORMAT || value.root !== root || typeof value.stamp !== "string" ||
      typeof value.taken !== "number" || !isRecord(value.folders) || !isRecord(value.modules)
    ) {
      return undefined;
    }
    // Only entries of the right shape: what they say is checked again by the registry.
    const modules: Record<string, CachedModule> = {};
    for (const [file, module] of Object.entries(value.modules)) {
      if (isCachedModule(module)) modules[file] = module;
    }
    const folders: Record<string, FolderPrint> = {};
    for (const [folder, print] of Object.entries(value.folders)) {
      if (isFolderPrint(print)) folders[folder] = print;
    }
    const namespaces = (Array.isArray(value.namespaces) ? value.namespaces : []).filter(
      (ns): ns is Namespace =>
        typeof ns?.name === "string" && typeof ns.dir === "string" && !ns.dir.startsWith("/") &&
        !ns.dir.split("/").includes(".."),
    );
    return { ...value, folders, modules, namespaces };
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isFolderPrint(value: unknown): value is FolderPrint {
  return isRecord(value) && typeof value.fingerprint === "string" && isRecord(value.files) &&
    Object.values(value.files).every((file) =>
      isRecord(file) && typeof file.hash === "string" &&
      ["size", "mtime", "ctime", "ino"].every((key) => typeof file[key] === "number")
    );
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
 * @param prints The `.wst/` folders' fingerprints the modules were inspected at.
 * @param content The modules, by path relative to the root, and the namespaces.
 */
export function writeCache(
  root: string,
  prints: FolderPrints,
  content: { modules: Record<string, CachedModule>; namespaces: Namespace[] },
): void {
  const path = cachePath(root);
  if (path === undefined) return;
  const cache: RegistryCache = {
    format: FORMAT,
    root,
    stamp: prints.stamp,
    taken: prints.taken,
    folders: prints.folders,
    ...content,
  };
  writeCacheFile(path, cache);
}

/**
 * Writes one of wst's cache files (the user's only: mode 0600 in a 0700
 * folder): a temporary file of a unique name renamed over it, so two runs at
 * once leave a whole file. A cache that cannot be written is left alone.
 *
 * @param path The cache file.
 * @param value What it holds, as JSON.
 */
export function writeCacheFile(path: string, value: unknown): void {
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    Deno.mkdirSync(path.slice(0, path.lastIndexOf(SEP)), { recursive: true, mode: 0o700 });
    Deno.writeTextFileSync(tmp, `${JSON.stringify(value)}\n`, { mode: 0o600 });
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
 * The `.wst/` folder a module file belongs to, relative to the root: the
 * deepest `.wst` segment of its path (`platform/ingress/.wst` for
 * `<root>/platform/ingress/.wst/tasks/x.ts`).
 *
 * @param root Absolute workspace root.
 * @param file Absolute module path.
 * @returns The folder, relative to the root.
 */
export function moduleFolder(root: string, file: string): string {
  const at = file.lastIndexOf(`${SEP}.wst${SEP}`);
  return at === -1 ? ".wst" : relativeTo(root, file.slice(0, at + 5));
}

/**
 * The fingerprints of a root's `.wst/` folders: for each, the module files
 * (code and JSON, links not followed, `cache/` left out) by path and content,
 * and the wst sources that describe them. A file whose `lstat` (size, times,
 * inode) is what `previous` recorded, and was not racy then, keeps its
 * recorded hash without being read; any other is read and hashed.
 *
 * @param root Absolute workspace root.
 * @param folders `.wst/` folders relative to the root.
 * @param options The cache, whose stamps spare reading unchanged files; what else decides what
 * loads (the pinned packages missing from Deno's cache), part of every folder's fingerprint.
 * @returns The prints, and whether a stamp was refreshed (the cache is worth writing back).
 */
export async function folderPrints(
  root: string,
  folders: readonly string[],
  options: { previous?: RegistryCache | undefined; extra?: string } = {},
): Promise<FolderPrints & { refreshed: boolean }> {
  const previous = options.previous;
  const stamp = `${wstStamp()}\0${options.extra ?? ""}`;
  const taken = Date.now();
  const reuse = previous?.stamp === stamp ? previous : undefined;
  const prints: Record<string, FolderPrint> = {};
  let refreshed = false;
  for (const folder of folders) {
    const absolute = resolvePath(root, folder);
    const old = reuse?.folders[folder];
    const files: Record<string, FileStamp> = {};
    let same = old !== undefined;
    for (const path of listModuleFiles(absolute).sort()) {
      const file = path.slice(absolute.length + 1);
      const now = await fileStamp(path, old?.files[file], reuse?.taken ?? 0);
      if (now.read) {
        same = false;
        if (taken - Math.max(now.stamp.mtime, now.stamp.ctime) >= RACY_MS) refreshed = true;
      }
      files[file] = now.stamp;
    }
    if (same && Object.keys(files).length !== Object.keys(old!.files).length) same = false;
    prints[folder] = {
      fingerprint: same ? old!.fingerprint : await folderHash(stamp, files),
      files,
    };
  }
  return { stamp, taken, folders: prints, refreshed };
}

/**
 * One fingerprint of the `.wst/` folders of the root and of the namespaces in
 * `dirs` (see {@linkcode folderPrints}).
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
  const folders = [...new Set(["", ...dirs])].map((dir) => dir === "" ? ".wst" : `${dir}/.wst`);
  const prints = await folderPrints(root, folders, { extra });
  return await hex(folders.map((f) => `${f}\0${prints.folders[f]!.fingerprint}\n`).join(""));
}

async function fileStamp(
  path: string,
  old: FileStamp | undefined,
  oldTaken: number,
): Promise<{ stamp: FileStamp; read: boolean }> {
  let info: Deno.FileInfo | undefined;
  try {
    info = Deno.lstatSync(path);
  } catch {
    // gone since the walk: hashed as unreadable below
  }
  const stat = {
    size: info?.size ?? -1,
    mtime: info?.mtime?.getTime() ?? 0,
    ctime: info?.ctime?.getTime() ?? 0,
    ino: info?.ino ?? 0,
  };
  if (
    old !== undefined && info !== undefined && old.size === stat.size &&
    old.mtime === stat.mtime && old.ctime === stat.ctime && old.ino === stat.ino &&
    oldTaken - Math.max(stat.mtime, stat.ctime) >= RACY_MS
  ) {
    return { stamp: old, read: false };
  }
  let content: Uint8Array;
  try {
    content = Deno.readFileSync(path);
  } catch {
    content = new TextEncoder().encode("\0unreadable");
  }
  return { stamp: { ...stat, hash: await hex(content) }, read: true };
}

async function folderHash(stamp: string, files: Record<string, FileStamp>): Promise<string> {
  const lines = Object.entries(files).map(([file, { hash }]) => `${file}\0${hash}\n`);
  return await hex(`${FORMAT}\0${stamp}\0${lines.join("")}`);
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

/**
 * Names a root's cache file: two 32-bit FNV-1a hashes of its path (WebCrypto's first use costs
 * ~1 ms at start-up, and a warm listing hashes nothing else). Two roots that share a name only
 * overwrite each other's cache: the file records its root, which {@linkcode readCache} checks.
 */
function rootName(root: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < root.length; i++) {
    const c = root.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return `${(a >>> 0).toString(16).padStart(8, "0")}${(b >>> 0).toString(16).padStart(8, "0")}`;
}

async function hex(data: string | Uint8Array): Promise<string> {
  const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
