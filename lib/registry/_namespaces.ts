// Namespaces (docs/adr/0014): every folder under the root with a `.wst/tasks/`
// folder contributes its tasks as `<namespace>:<task>`. The default namespace
// is the folder's path with `:` between its segments; the root's
// `.wst/config.json` may rename them (`{"namespaces": {"seed": "platform/seed"}}`).
// The walk never enters `.git`, `node_modules`, a `.wst` folder, a symbolic
// link or anything a `.gitignore` on the way ignores. No zod here: this is on
// the start-up path of `wst list` (the config is JSON for the same reason).
import { ConfigError } from "../errors/mod.ts";
import { resolvePath, SEP } from "../_path.ts";
import { NAME_SEGMENT_PATTERN, RESERVED_NAMES } from "../task/names.ts";
import { compileGitignore, type GitignoreMatcher } from "./_gitignore.ts";
import { CONFIG_FILE, readNamespaceConfig } from "./_config.ts";
import { readWalk, witness, type WitnessEntry, writeWalk } from "./_walk_cache.ts";

/** A folder that contributes tasks, and the name they are listed under. */
export interface Namespace {
  /** `platform:ingress`, or an alias; "" for the root. */
  name: string;
  /** The folder, relative to the root, `/`-separated; "" for the root. */
  dir: string;
}

/** A folder with tasks that was left out, and why (reported, never fatal). */
export interface NamespaceProblem {
  /** The folder's `.wst/tasks` (or `.wst`), relative to the root. */
  file: string;
  message: string;
  /** `config` (a folder name that is no namespace: an alias fixes it), `sandbox-denied` (a link). */
  kind: "config" | "sandbox-denied";
}

/** Folders the walk never enters, whatever `.gitignore` says. */
const NEVER = new Set([".git", "node_modules", ".wst"]);

/** At most this many folders are looked at (a runaway tree is cut, and says so). */
export const MAX_FOLDERS = 50_000;

/**
 * Every namespace of a root: the root itself when it has `.wst/tasks/`, then
 * every folder under it that has one, sorted by name; aliases from the root's
 * `.wst/config.json` applied.
 *
 * @param root Absolute workspace root.
 * @param options `cache`: take the last walk when its witness still holds,
 *   and keep a new one (`_walk_cache.ts`, in the user's cache folder).
 * @returns The namespaces and the folders left out.
 * @throws {ConfigError} When `.wst/config.json` is malformed, an alias names a
 *   folder without tasks, or two names lead to one folder.
 */
export async function discoverNamespaces(
  root: string,
  options: { cache?: boolean } = {},
): Promise<{ namespaces: Namespace[]; problems: NamespaceProblem[] }> {
  const aliases = readNamespaceConfig(root);
  const dirs = await foldersOf(root, options.cache === true);
  const problems: NamespaceProblem[] = [];
  const byDir = new Map<string, string>();
  for (const [alias, dir] of aliases.entries) byDir.set(dir, alias);
  const namespaces: Namespace[] = [];
  for (const dir of dirs.found) {
    const alias = byDir.get(dir);
    if (alias !== undefined) {
      namespaces.push({ name: alias, dir });
      byDir.delete(dir);
      continue;
    }
    if (dir === "") {
      namespaces.push({ name: "", dir });
      continue;
    }
    const problem = defaultNameProblem(dir);
    if (problem !== undefined) {
      problems.push({ file: `${dir}/.wst/tasks`, message: problem, kind: "config" });
      continue;
    }
    namespaces.push({ name: dir.split("/").join(":"), dir });
  }
  // An alias may name a folder the walk skipped (gitignored): it is included on purpose.
  for (const [dir, alias] of byDir) {
    if (!hasTasksFolder(root, dir)) {
      throw new ConfigError([aliases.issue(alias, aliasTargetMessage(root, dir))]);
    }
    namespaces.push({ name: alias, dir });
  }
  const seen = new Map<string, Namespace>();
  for (const ns of namespaces) {
    const other = seen.get(ns.name);
    if (other !== undefined) {
      throw new ConfigError([
        aliases.issue(
          ns.name,
          `Namespace ${JSON.stringify(ns.name)} names two folders, ${
            JSON.stringify(other.dir)
          } and ${JSON.stringify(ns.dir)}: give one of them another alias`,
        ),
      ]);
    }
    seen.set(ns.name, ns);
  }
  for (const dir of dirs.linked) {
    problems.push({
      file: `${dir}/.wst`,
      kind: "sandbox-denied",
      message:
        `${dir}/.wst or its tasks folder is a symbolic link: local tasks load only from a .wst/tasks folder inside the root`,
    });
  }
  if (dirs.truncated) {
    problems.push({
      file: ".",
      kind: "config",
      message: `Stopped looking for .wst/tasks folders after ${MAX_FOLDERS} folders`,
    });
  }
  namespaces.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { namespaces, problems };
}

function defaultNameProblem(dir: string): string | undefined {
  const segments = dir.split("/");
  const bad = segments.find((s) => !NAME_SEGMENT_PATTERN.test(s));
  if (bad !== undefined) {
    return `Folder name ${
      JSON.stringify(bad)
    } is not a namespace segment (lower-case letters, digits, "-", "_"): give the folder an alias in ${CONFIG_FILE}`;
  }
  if (RESERVED_NAMES.has(segments[0]!)) {
    return `Namespace ${
      JSON.stringify(segments.join(":"))
    } starts with a name the CLI uses itself: give the folder an alias in ${CONFIG_FILE}`;
  }
  return undefined;
}

function aliasTargetMessage(root: string, dir: string): string {
  try {
    const info = Deno.lstatSync(resolvePath(root, dir));
    if (info.isSymlink) {
      return `Expected a folder inside the root, found ${
        JSON.stringify(dir)
      }, a symbolic link (links are not followed)`;
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    return `Expected a folder with a .wst/tasks folder, found ${
      JSON.stringify(dir)
    }, which does not exist`;
  }
  return `Expected a folder with a .wst/tasks folder, found ${JSON.stringify(dir)}, which has none`;
}

/** Whether `<root>/<dir>/.wst/tasks` is a folder, no link on the way from the root. */
function hasTasksFolder(root: string, dir: string): boolean {
  let path = root;
  for (const segment of [...(dir === "" ? [] : dir.split("/")), ".wst", "tasks"]) {
    path = `${path}${SEP}${segment}`;
    try {
      const info = Deno.lstatSync(path);
      if (!info.isDirectory) return false;
    } catch (err) {
      if (err instanceof Deno.errors.NotFound || err instanceof Deno.errors.NotADirectory) {
        return false;
      }
      throw err;
    }
  }
  return true;
}

/** The walk's result: from the cache when its witness holds, else walked (and kept). */
async function foldersOf(
  root: string,
  cache: boolean,
): Promise<{ found: string[]; linked: string[]; truncated: boolean }> {
  if (!cache) return tasksFolders(root);
  const kept = await readWalk(root);
  if (kept !== undefined) return { ...kept, truncated: false };
  const takenAt = Date.now();
  const entries: WitnessEntry[] = [];
  const walked = tasksFolders(root, entries);
  if (!walked.truncated && !walked.unwitnessed) {
    await writeWalk(root, {
      takenAt,
      result: { found: walked.found, linked: walked.linked },
      entries,
    });
  }
  return walked;
}

/**
 * The folders under the root (the root included) that hold `.wst/tasks/`,
 * relative and `/`-separated, in walk order; with `entries`, the witness of
 * every folder read, `.gitignore` and `.wst` (each taken before it is read;
 * `unwitnessed` when one could not be).
 */
function tasksFolders(
  root: string,
  entries?: WitnessEntry[],
): { found: string[]; linked: string[]; truncated: boolean; unwitnessed: boolean } {
  // A path without a witness makes the whole walk one that is not kept.
  let unwitnessed = false;
  const note = (relative: string) => {
    if (entries === undefined) return;
    const entry = witness(root, relative);
    if (entry === undefined) unwitnessed = true;
    else entries.push(entry);
  };
  const join = (dir: string, name: string) => (dir === "" ? name : `${dir}/${name}`);
  const found: string[] = [];
  const linked: string[] = [];
  let visited = 0;
  let truncated = false;
  // Each folder with the matchers of the .gitignore files above it (and its own), nearest last.
  const walk = (dir: string, matchers: readonly { base: string; m: GitignoreMatcher }[]) => {
    if (++visited > MAX_FOLDERS) {
      truncated = true;
      return;
    }
    const path = dir === "" ? root : `${root}${SEP}${dir.replaceAll("/", SEP)}`;
    note(dir);
    let listing: Deno.DirEntry[];
    try {
      listing = [...Deno.readDirSync(path)];
    } catch (err) {
      if (err instanceof Deno.errors.PermissionDenied || err instanceof Deno.errors.NotFound) {
        return; // unreadable or gone: nothing to contribute
      }
      throw err;
    }
    let own = matchers;
    const gitignore = listing.find((e) => e.name === ".gitignore" && e.isFile);
    if (gitignore !== undefined) {
      note(join(dir, ".gitignore"));
      own = [...matchers, { base: dir, m: compileGitignore(readText(`${path}${SEP}.gitignore`)) }];
    }
    const wst = listing.find((e) => e.name === ".wst");
    if (wst !== undefined) note(join(dir, ".wst"));
    if (wst?.isDirectory && hasTasksFolder(root, dir)) found.push(dir);
    else if (dir !== "" && wst !== undefined && linksTasks(path, wst)) {
      linked.push(dir); // the root's own link is reported by the registry
    }
    const folders = listing.filter((e) => e.isDirectory && !NEVER.has(e.name))
      .map((e) => e.name).sort();
    for (const name of folders) {
      const child = join(dir, name);
      if (ignored(own, child)) continue;
      walk(child, own);
    }
  };
  walk("", []);
  return { found, linked, truncated, unwitnessed };
}

/** Whether a folder's `.wst` entry is a link, or holds `tasks` as one. */
function linksTasks(path: string, wst: Deno.DirEntry): boolean {
  if (wst.isSymlink) return true;
  if (!wst.isDirectory) return false;
  try {
    return Deno.lstatSync(`${path}${SEP}.wst${SEP}tasks`).isSymlink;
  } catch {
    return false;
  }
}

/** Whether the nearest `.gitignore` with a verdict on a folder ignores it (git's precedence). */
function ignored(matchers: readonly { base: string; m: GitignoreMatcher }[], dir: string): boolean {
  for (let i = matchers.length - 1; i >= 0; i--) {
    const { base, m } = matchers[i]!;
    const verdict = m.test(base === "" ? dir : dir.slice(base.length + 1));
    if (verdict !== undefined) return verdict === "ignored";
  }
  return false;
}

function readText(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.PermissionDenied || err instanceof Deno.errors.NotFound) {
      return "";
    }
    throw err;
  }
}
