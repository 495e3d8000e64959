// What the namespace walk found (docs/adr/0014), kept in the user's cache
// folder with a witness: the modification time of every folder it read (and
// size and time of every `.gitignore`, time of every `.wst` folder). Any new,
// removed or renamed entry in a folder changes that folder's time, so when
// every witness still holds, walking again would find the same: checking
// costs one `lstat` per folder instead of reading each. A witness taken within
// RACY_MS of its own walk is not trusted (a change in the same millisecond
// would not show), nor one from another format or root.
import { resolvePath, SEP } from "../_path.ts";
import { cacheHome, writeCacheFile } from "./_cache.ts";

/** What a walk found: folders with `.wst/tasks/`, and folders whose `.wst` is a link. */
export interface WalkResult {
  found: string[];
  linked: string[];
}

/** One witnessed path, relative to the root (`/`-separated): its time (ms) and size. */
export type WitnessEntry = [path: string, mtime: number, size: number];

interface WalkCache {
  format: typeof FORMAT;
  root: string;
  /** When the walk started (ms since the epoch). */
  takenAt: number;
  result: WalkResult;
  entries: WitnessEntry[];
}

const FORMAT = 1;
/** Entries changed this close to (or after) the walk's start are not trusted. */
export const RACY_MS = 2_000;

/**
 * The witness of one path, read before the walk reads it (a change after
 * this shows as another time).
 *
 * @param root Absolute workspace root.
 * @param relative The path, relative to the root, `/`-separated ("" for the root).
 * @returns The entry, or undefined when it cannot be read or has no modification time.
 */
export function witness(root: string, relative: string): WitnessEntry | undefined {
  try {
    const info = Deno.lstatSync(relative === "" ? root : resolvePath(root, relative));
    // Without a modification time there is nothing to witness with.
    return info.mtime === null ? undefined : [relative, info.mtime.getTime(), info.size];
  } catch {
    return undefined;
  }
}

async function walkCachePath(root: string): Promise<string | undefined> {
  const home = cacheHome();
  if (home === undefined) return undefined;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(root));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  return `${home}${SEP}namespaces${SEP}${hex}.json`;
}

/**
 * The cached walk of a root, when every witness still holds.
 *
 * @param root Absolute workspace root.
 * @returns What the walk found, or undefined (walk again).
 */
export async function readWalk(root: string): Promise<WalkResult | undefined> {
  const path = await walkCachePath(root);
  if (path === undefined) return undefined;
  let cache: WalkCache;
  try {
    cache = JSON.parse(Deno.readTextFileSync(path));
  } catch {
    return undefined;
  }
  if (
    cache?.format !== FORMAT || cache.root !== root || typeof cache.takenAt !== "number" ||
    !Array.isArray(cache.entries) || !isResult(cache.result)
  ) {
    return undefined;
  }
  for (const entry of cache.entries) {
    if (!Array.isArray(entry) || typeof entry[0] !== "string") return undefined;
    const [relative, mtime, size] = entry;
    if (typeof mtime !== "number" || mtime >= cache.takenAt - RACY_MS) return undefined;
    const now = witness(root, relative);
    if (now === undefined || now[1] !== mtime || now[2] !== size) return undefined;
  }
  return cache.result;
}

function isResult(value: unknown): value is WalkResult {
  const r = value as WalkResult | null;
  const paths = (list: unknown) =>
    Array.isArray(list) &&
    list.every((p) => typeof p === "string" && !p.startsWith("/") && !p.split("/").includes(".."));
  return typeof r === "object" && r !== null && paths(r.found) && paths(r.linked);
}

/**
 * Keeps a walk and its witness: a temporary file renamed over the cache file.
 * A cache that cannot be written is left alone.
 *
 * @param root Absolute workspace root.
 * @param walk When it started, what it found and its witness.
 */
export async function writeWalk(
  root: string,
  walk: { takenAt: number; result: WalkResult; entries: WitnessEntry[] },
): Promise<void> {
  const path = await walkCachePath(root);
  if (path === undefined) return;
  const cache: WalkCache = { format: FORMAT, root, ...walk };
  writeCacheFile(path, cache);
}
