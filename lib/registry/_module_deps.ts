// The repository's pinned dependencies (docs/adr/0013-module-deps.md): a
// `.wst/` folder may hold its own `deno.json` (`imports`) and `deno.lock`.
// Deno takes one configuration and one lock per process, so the process that
// loads such a folder's modules (the inspection child, the runner of a task)
// starts with a configuration merged here: wst's own imports at the top level,
// each folder's imports in a scope of its own (they apply to that folder's
// modules only), and one frozen lock, the union of wst's and the folders'.
// A folder whose pins cannot be honoured (a bad entry, a package missing from
// Deno's cache) is left out and named; the others still load.
import { resolvePath, SEP } from "../_path.ts";
import { REPO_ROOT } from "../../scripts/runtime_flags.ts";
import { missingPackages, npmCacheFolder } from "./_npm_cache.ts";

/** The configuration file of a `.wst/` folder's own dependencies. */
export const PINNED_CONFIG = "deno.json";
/** Its lock file, beside it. */
export const PINNED_LOCK = "deno.lock";

/** A problem with a folder's pins: the file (absolute) and what is wrong. */
export interface DepsProblem {
  file: string;
  message: string;
}

/** The part of a Deno lock file (version 5) the merge reads and writes. */
export interface DenoLock {
  version: string;
  specifiers?: Record<string, string>;
  npm?: Record<string, unknown>;
  workspace?: { dependencies?: string[] } & Record<string, unknown>;
  [key: string]: unknown;
}

/** What one `.wst/` folder pins. */
export interface FolderPins {
  /** Absolute `.wst/` folder. */
  folder: string;
  /** Its import map, values absolute (`file:` URLs) or `npm:`/`node:` specifiers. */
  imports: Record<string, string>;
  /** Its lock, when there is one that reads. */
  lock?: DenoLock;
  /** Names its `deno.json` maps that are left out (a problem says why). */
  dropped: string[];
  /** Entries left out, and why. */
  problems: DepsProblem[];
}

/** What a process loading local modules starts with. */
export interface ModuleDeps {
  /** Absolute path of the merged configuration (`--config`). */
  config: string;
  /** The folder holding it and its lock (read-only in a sandbox). */
  dir: string;
  /** The `.wst/` folders whose pins it holds. */
  folders: string[];
}

/** The outcome of {@linkcode moduleDeps}. */
export interface ModuleDepsResult {
  /** The merged configuration, or undefined when no folder's pins are usable. */
  deps?: ModuleDeps;
  /** Problems with the folders' pins. */
  problems: DepsProblem[];
  /** Per `.wst/` folder: the packages its lock pins that are not in Deno's cache. */
  missing: Record<string, string[]>;
  /** Changes whenever what loads changes (for the registry cache's fingerprint). */
  stamp: string;
  /** What wst's lock and the folders' locks pin (`specifiers`); undefined: wst's lock alone. */
  pinned?: string[];
  /** Per `.wst/` folder with a `deno.json`: the names it maps, and those left out. */
  mapped: Record<string, { usable: string[]; dropped: string[] }>;
}

const quote = (value: unknown): string => JSON.stringify(value);

/**
 * Reads a `.wst/` folder's `deno.json` and `deno.lock`: only `imports` is
 * taken, and of it only `npm:` packages the lock pins, `node:` modules and
 * paths inside the folder.
 *
 * @param folder Absolute `.wst/` folder.
 * @returns Its pins, or undefined when it has no `deno.json`.
 */
export function readPins(folder: string): FolderPins | undefined {
  const configPath = `${folder}${SEP}${PINNED_CONFIG}`;
  const lockPath = `${folder}${SEP}${PINNED_LOCK}`;
  const configText = readText(configPath);
  if (configText === undefined) return undefined;
  const pins: FolderPins = { folder, imports: {}, problems: [], dropped: [] };
  const problem = (file: string, message: string, key?: string) => {
    pins.problems.push({ file, message });
    if (key !== undefined) pins.dropped.push(key);
  };
  let config: unknown;
  try {
    config = JSON.parse(configText);
  } catch (err) {
    problem(configPath, `Expected JSON: ${(err as Error).message}`);
    return pins;
  }
  const imports = (config as { imports?: unknown } | null)?.imports ?? {};
  if (typeof imports !== "object" || imports === null || Array.isArray(imports)) {
    problem(configPath, `imports: Expected an object of specifiers, found ${quote(imports)}`);
    return pins;
  }
  const lockText = readText(lockPath);
  if (lockText !== undefined) {
    try {
      const lock = JSON.parse(lockText) as DenoLock;
      if (lock?.version !== "5") {
        problem(
          lockPath,
          `Expected a Deno lock file of version "5", found ${quote(lock?.version)}`,
        );
      } else pins.lock = lock;
    } catch (err) {
      problem(lockPath, `Expected JSON: ${(err as Error).message}`);
    }
  }
  const folderUrl = toFileUrl(folder);
  for (const [key, value] of Object.entries(imports as Record<string, unknown>)) {
    const at = `imports[${quote(key)}]`;
    if (mapsWst(key)) {
      problem(configPath, `${at}: ${quote(key)} is wst's own module and cannot be mapped`);
    } else if (typeof value !== "string") {
      problem(configPath, `${at}: Expected a string, found ${quote(value)}`, key);
    } else if (value.startsWith("npm:")) {
      const pinned = npmRequirement(value);
      if (pins.lock?.specifiers?.[pinned] === undefined) {
        problem(
          configPath,
          `${at}: ${quote(value)} is not pinned in ${
            lockText === undefined ? "a deno.lock beside it (there is none)" : PINNED_LOCK
          }: run "deno install" in ${folder} to pin it`,
          key,
        );
      } else pins.imports[key] = value;
    } else if (value.startsWith("node:")) {
      pins.imports[key] = value;
    } else if (value.startsWith("./") || value.startsWith("../")) {
      const target = resolvePath(folder, value);
      if (target !== folder && !target.startsWith(`${folder}${SEP}`)) {
        problem(configPath, `${at}: ${quote(value)} leads out of ${folder}`, key);
      } else pins.imports[key] = new URL(value, `${folderUrl}/`).href;
    } else {
      problem(
        configPath,
        `${at}: Expected an "npm:" package, a "node:" module or a path inside the folder ("./…"), found ${
          quote(value)
        }`,
        key,
      );
    }
  }
  return pins;
}

/**
 * The lock requirement of an `npm:` specifier: `npm:name@version` without a
 * sub-path (what Deno records in a lock's `specifiers` and `workspace`).
 */
export function npmRequirement(specifier: string): string {
  const rest = specifier.slice("npm:".length);
  const scoped = rest.startsWith("@");
  const parts = rest.split("/");
  return `npm:${scoped ? parts.slice(0, 2).join("/") : parts[0]}`;
}

/**
 * The union of wst's lock and the folders' locks. A folder whose lock gives
 * a package another integrity than one already taken is left out.
 *
 * @param wst wst's own lock.
 * @param folders The folders' pins (with their locks).
 * @returns The merged lock, the folders kept, and problems.
 */
export function mergeLocks(
  wst: DenoLock,
  folders: readonly FolderPins[],
): { lock: DenoLock; kept: FolderPins[]; problems: DepsProblem[] } {
  const specifiers: Record<string, string> = { ...wst.specifiers };
  const npm: Record<string, unknown> = { ...wst.npm };
  const dependencies = new Set(wst.workspace?.dependencies ?? []);
  const kept: FolderPins[] = [];
  const problems: DepsProblem[] = [];
  for (const pins of folders) {
    const lock = pins.lock ?? { version: "5" };
    const clash = [
      ...Object.entries(lock.specifiers ?? {}).filter(([k, v]) =>
        specifiers[k] !== undefined && specifiers[k] !== v
      ),
      ...Object.entries(lock.npm ?? {}).filter(([k, v]) =>
        npm[k] !== undefined && JSON.stringify(npm[k]) !== JSON.stringify(v)
      ),
    ].map(([k]) => k);
    if (clash.length > 0) {
      problems.push({
        file: `${pins.folder}${SEP}${PINNED_LOCK}`,
        message: `Pins ${
          clash.map(quote).join(", ")
        } otherwise than another lock already taken (wst's or another folder's): its packages are left out`,
      });
      continue;
    }
    Object.assign(specifiers, lock.specifiers);
    Object.assign(npm, lock.npm);
    for (const value of Object.values(pins.imports)) {
      if (value.startsWith("npm:")) dependencies.add(npmRequirement(value));
    }
    kept.push(pins);
  }
  const sorted = <T>(o: Record<string, T>) =>
    Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    lock: {
      ...wst,
      specifiers: sorted(specifiers),
      npm: sorted(npm),
      workspace: { ...wst.workspace, dependencies: [...dependencies].sort() },
    },
    kept,
    problems,
  };
}

/**
 * The merged configuration: wst's imports (a path of wst's own becomes a
 * `data:` module re-exporting it, so Deno does not take wst's folder for a
 * linked package), each folder's imports in a scope of its own, the merged
 * lock frozen beside it.
 *
 * @param wstImports wst's own `imports`.
 * @param folders The folders kept.
 * @param wstDir wst's folder (its relative imports are resolved against it).
 * @returns The configuration's JSON text.
 */
export function mergedConfigText(
  wstImports: Record<string, string>,
  folders: readonly FolderPins[],
  wstDir: string = REPO_ROOT,
): string {
  const imports: Record<string, string> = {};
  for (const [key, value] of Object.entries(wstImports)) {
    if (value.startsWith("./") || value.startsWith("../")) {
      const target = new URL(value, `${toFileUrl(wstDir)}/`).href;
      imports[key] = `data:application/javascript,export * from ${
        encodeURIComponent(quote(target))
      };`;
    } else imports[key] = value;
  }
  const scopes: Record<string, Record<string, string>> = {};
  for (const pins of folders) scopes[`${toFileUrl(pins.folder)}/`] = pins.imports;
  const config = {
    nodeModulesDir: "none",
    lock: { path: `./${PINNED_LOCK}`, frozen: true },
    imports,
    scopes,
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/**
 * The merged configuration for the given `.wst/` folders, written (once per
 * content) to `<cache>/deps/<hash>/`. Folders without a `deno.json` need
 * nothing: when none has one, there is nothing to merge.
 *
 * @param folders Absolute `.wst/` folders.
 * @param options `cacheDir`: where to write (wst's cache folder); `denoDir`
 *   and `registry`: where Deno's npm cache is; `wstConfig`: wst's own
 *   `deno.json` (its lock beside it).
 * @returns The configuration (when a folder's pins are usable), problems, what is missing.
 */
export async function moduleDeps(
  folders: readonly string[],
  options: {
    cacheDir: string | undefined;
    denoDir?: string | undefined;
    registry?: string | undefined;
    wstConfig?: string;
  },
): Promise<ModuleDepsResult> {
  const all = [...new Set(folders)].sort().flatMap((folder) => readPins(folder) ?? []);
  const problems = all.flatMap((pins) => pins.problems);
  const missing: Record<string, string[]> = {};
  const mapped = Object.fromEntries(
    all.map((pins) => [pins.folder, { usable: Object.keys(pins.imports), dropped: pins.dropped }]),
  );
  if (all.length === 0) return { problems, missing, stamp: "", mapped };
  const wstConfigPath = options.wstConfig ?? `${REPO_ROOT}${SEP}deno.json`;
  const wstConfig = JSON.parse(readText(wstConfigPath) ?? "{}") as {
    imports?: Record<string, string>;
  };
  const wstLockText = readText(
    `${wstConfigPath.slice(0, wstConfigPath.lastIndexOf(SEP))}${SEP}deno.lock`,
  );
  const wstLock = JSON.parse(wstLockText ?? '{"version":"5"}') as DenoLock;
  const npmDir = options.denoDir === undefined
    ? undefined
    : `${options.denoDir}${SEP}npm${SEP}${npmCacheFolder(options.registry)}`;
  // A folder whose packages are not all in Deno's cache would fail every npm import of the
  // process (Deno caches a lock's whole npm snapshot at once): it is left out until fetched.
  const cached = all.filter((pins) => {
    // A deno.json that maps nothing wst takes and a lock that pins nothing (editor settings
    // only) need no configuration of their own: the folder's modules load as any other.
    if (Object.keys(pins.imports).length === 0 && Object.keys(pins.lock?.npm ?? {}).length === 0) {
      return false;
    }
    if (pins.lock === undefined || npmDir === undefined) return true;
    const lacking = missingPackages(pins.lock, npmDir);
    if (lacking.length > 0) missing[pins.folder] = lacking;
    return lacking.length === 0;
  });
  const merged = mergeLocks(wstLock, cached);
  problems.push(...merged.problems);
  const stamp = JSON.stringify({ missing, problems, kept: merged.kept.map((p) => p.folder) });
  const pinned = [
    ...new Set([
      ...Object.keys(wstLock.specifiers ?? {}),
      ...all.flatMap((pins) => Object.keys(pins.lock?.specifiers ?? {})),
    ]),
  ];
  if (merged.kept.length === 0 || options.cacheDir === undefined) {
    return { problems, missing, stamp, pinned, mapped };
  }
  const configText = mergedConfigText(wstConfig.imports ?? {}, merged.kept);
  const lockText = `${JSON.stringify(merged.lock, null, 2)}\n`;
  const hash = await sha256(`${configText}\0${lockText}`);
  const dir = `${options.cacheDir}${SEP}deps${SEP}${hash}`;
  const config = `${dir}${SEP}${PINNED_CONFIG}`;
  if (readText(config) !== configText || readText(`${dir}${SEP}${PINNED_LOCK}`) !== lockText) {
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    writeWhole(`${dir}${SEP}${PINNED_LOCK}`, lockText);
    writeWhole(config, configText);
  }
  return {
    deps: { config, dir, folders: merged.kept.map((p) => p.folder) },
    problems,
    missing,
    stamp: `${stamp}\0${hash}`,
    pinned,
    mapped,
  };
}

/**
 * The `.wst/` folder a local module belongs to: the folder holding its
 * `tasks/` folder, else the module's own folder.
 *
 * @param path The module's absolute path.
 * @returns The folder.
 */
export function wstFolderOf(path: string): string {
  const dir = path.slice(0, path.lastIndexOf(SEP));
  return dir.endsWith(`${SEP}tasks`) ? dir.slice(0, -`${SEP}tasks`.length) : dir;
}

function readText(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
      return undefined;
    }
    throw err;
  }
}

/** A temporary file of its own, renamed: concurrent writers of the same content never mix. */
function writeWhole(path: string, text: string): void {
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    Deno.writeTextFileSync(tmp, text, { mode: 0o600 });
    Deno.renameSync(tmp, path);
  } catch (err) {
    try {
      Deno.removeSync(tmp);
    } catch {
      // never written
    }
    throw err;
  }
}

function toFileUrl(path: string): string {
  const normalized = path.replace(/\\/g, "/");
  return new URL(`file://${normalized.startsWith("/") ? "" : "/"}${normalized}`).href;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Whether an import map key would map wst's own module: `@wst/wst`, a path
 * under it, or a prefix key (ending in "/") that covers it (`@wst/`, `@`).
 */
function mapsWst(key: string): boolean {
  const own = "@wst/wst";
  return key === own || key.startsWith(`${own}/`) ||
    (key.endsWith("/") && `${own}/`.startsWith(key));
}
