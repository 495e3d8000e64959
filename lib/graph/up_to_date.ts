/**
 * Up-to-date checks of tasks with `sources`: a key over everything a run's
 * outcome depends on, kept per task under `<task root>/.wst/cache/up-to-date/`
 * after a successful run (docs/adr/0012-graph.md).
 *
 * @module
 */
import { sha256FileHex, sha256Hex } from "../fs/hash.ts";
import { SEP } from "../_path.ts";
import { localModuleGraph, matchFiles, missingOutput } from "./_files.ts";

/** Where the state lives, relative to a task's root. */
export const STATE_DIR = ".wst/cache/up-to-date";

/** Bumped when what a key covers changes: every task then runs once more. */
const FORMAT = 1;

/** What a task's up-to-date key covers. */
export interface KeyInput {
  /** The task's full name. */
  readonly task: string;
  /** Absolute folder its globs are relative to (its root). */
  readonly root: string;
  /** Absolute folder its module's followed imports stay in (the workspace root). */
  readonly boundary: string;
  /** Absolute path of its module. */
  readonly module: string;
  /** Its `sources` globs. */
  readonly sources: readonly string[];
  /** The raw arguments of the run. */
  readonly args: Record<string, unknown>;
  /** The env vars its permissions declare (`NAME`, or `PREFIX_*`). */
  readonly env: readonly string[];
  /** Reads an env var (default: the process's). */
  readonly getEnv?: (name: string) => string | undefined;
  /** Lists the process's env (for `PREFIX_*` declarations). */
  readonly listEnv?: () => Record<string, string>;
}

/** A key and its parts: the parts say why a task ran again (`--verbose`). */
export interface UpToDateKey {
  readonly key: string;
  readonly parts: Readonly<Record<"sources" | "args" | "env" | "modules", string>>;
}

/**
 * The key of a run: a SHA-256 over the content of the sources (paths and
 * bytes; a symbolic link's target text), the arguments, the values of the
 * declared env vars (unset differs from empty), and the module with the
 * local modules it imports, plus the `.wst/` import map and lock that pin
 * its packages.
 *
 * @param input The task, its root, its module, its sources, args and env.
 * @returns The key and its parts.
 */
export async function upToDateKey(input: KeyInput): Promise<UpToDateKey> {
  const sources = await hashFiles(input.root, await matchFiles(input.root, input.sources));
  const args = await hashText(canonicalJson(input.args));
  const getEnv = input.getEnv ?? ((name: string) => Deno.env.get(name));
  const names = new Set<string>();
  for (const name of input.env) {
    if (!name.endsWith("*")) names.add(name);
    else {
      const prefix = name.slice(0, -1);
      const all = (input.listEnv ?? (() => Deno.env.toObject()))();
      for (const key of Object.keys(all)) if (key.startsWith(prefix)) names.add(key);
    }
  }
  const env = await hashText(
    canonicalJson(Object.fromEntries([...names].sort().map((n) => [n, getEnv(n) ?? null]))),
  );
  const graph = await localModuleGraph(input.module, input.boundary);
  const pins = [`${input.root}${SEP}.wst${SEP}deno.json`, `${input.root}${SEP}.wst${SEP}deno.lock`];
  const modules = await hashFiles("", [...graph, ...pins]);
  const parts = { sources, args, env, modules };
  return {
    key: await hashText(canonicalJson({ format: FORMAT, task: input.task, ...parts })),
    parts,
  };
}

/** The state of one task: the key of its last successful run. */
interface State {
  format: number;
  task: string;
  key: string;
  parts: Record<string, string>;
}

/**
 * Why a task must run, or undefined when it is up to date: its last
 * successful run had the same key and every output exists.
 *
 * @param root Absolute task root.
 * @param current The key of this run.
 * @param outputs The task's `outputs` globs.
 * @returns A reason (`"sources changed"`, `"output \"dist\" is missing"`), or undefined.
 */
export async function whyRun(
  root: string,
  current: UpToDateKey,
  options: { task: string; outputs: readonly string[] },
): Promise<string | undefined> {
  const state = await readState(root, options.task);
  if (state === undefined) return "no earlier successful run";
  if (state.key !== current.key) {
    const changed = Object.entries(current.parts).filter(([k, v]) => state.parts[k] !== v)
      .map(([k]) => k);
    return changed.length > 0 ? `${changed.join(", ")} changed` : "wst's key changed";
  }
  const missing = await missingOutput(root, options.outputs);
  return missing === undefined ? undefined : `output ${JSON.stringify(missing)} is missing`;
}

/**
 * Records a successful run's key, atomically: a temporary file of this
 * process's own (a unique name, so two runs never write the same one),
 * renamed over the state file. Concurrent runs each leave a whole file.
 *
 * @param root Absolute task root.
 * @param current The key the run started with.
 * @param task The task's full name.
 */
export async function recordRun(root: string, current: UpToDateKey, task: string): Promise<void> {
  const link = linkOnStatePath(root);
  if (link !== undefined) {
    // wst writes with the user's rights: a link planted in the repository must not aim that write.
    throw new Deno.errors.PermissionDenied(
      `${link} is a symbolic link: wst keeps its state in a real folder inside the root only`,
    );
  }
  const dir = `${root}${SEP}${STATE_DIR.replaceAll("/", SEP)}`;
  await Deno.mkdir(dir, { recursive: true });
  const state: State = { format: FORMAT, task, key: current.key, parts: { ...current.parts } };
  const tmp = await Deno.makeTempFile({ dir, prefix: ".state-", suffix: ".tmp" });
  try {
    await Deno.writeTextFile(tmp, `${JSON.stringify(state, null, 2)}\n`);
    await Deno.rename(tmp, statePath(root, task));
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

async function readState(root: string, task: string): Promise<State | undefined> {
  if (linkOnStatePath(root, task) !== undefined) return undefined; // never up to date through a link
  let text: string;
  try {
    text = await Deno.readTextFile(statePath(root, task));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
  try {
    const value = JSON.parse(text) as State;
    if (value?.format !== FORMAT || value.task !== task || typeof value.key !== "string") {
      return undefined;
    }
    return { ...value, parts: typeof value.parts === "object" && value.parts ? value.parts : {} };
  } catch {
    return undefined; // unreadable: the task runs and writes a good one
  }
}

/**
 * The first symbolic link (or other non-folder) on the way to the state of a
 * root (`.wst`, `.wst/cache`, `.wst/cache/up-to-date`, and the task's file when
 * given), as a path relative to the root; undefined when there is none (parts
 * that do not exist yet are fine: wst makes them).
 */
function linkOnStatePath(root: string, task?: string): string | undefined {
  const parts = STATE_DIR.split("/");
  let path = root;
  for (const [i, part] of [...parts, ...(task === undefined ? [] : [fileName(task)])].entries()) {
    path = `${path}${SEP}${part}`;
    let info: Deno.FileInfo;
    try {
      info = Deno.lstatSync(path);
    } catch {
      return undefined;
    }
    const last = i === parts.length;
    if (info.isSymlink || (!last && !info.isDirectory)) {
      return [...parts, fileName(task ?? "")].slice(0, i + 1).join("/");
    }
  }
  return undefined;
}

function fileName(task: string): string {
  return `${task.replaceAll(":", "~")}.json`;
}

/** `<root>/.wst/cache/up-to-date/<task>.json`, `:` in a namespaced name as `~`. */
export function statePath(root: string, task: string): string {
  return `${root}${SEP}${STATE_DIR.replaceAll("/", SEP)}${SEP}${task.replaceAll(":", "~")}.json`;
}

async function hashFiles(root: string, files: readonly string[]): Promise<string> {
  const lines: string[] = [];
  for (const file of files) {
    const path = root === "" ? file : `${root}${SEP}${file}`;
    lines.push(`${JSON.stringify(file)} ${await hashFile(path)}`);
  }
  return await hashText(lines.join("\n"));
}

async function hashFile(path: string): Promise<string> {
  try {
    const info = await Deno.lstat(path);
    if (info.isSymlink) return `link:${await hashText(await Deno.readLink(path))}`;
    // A FIFO or a device would block or never end: its kind is what is hashed.
    if (!info.isFile) return "special";
    return await sha256FileHex(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return "missing";
    throw err;
  }
}

function hashText(text: string): Promise<string> {
  return sha256Hex(new TextEncoder().encode(text));
}

/** JSON with object keys sorted, so equal values give equal text. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v) =>
      typeof v === "object" && v !== null && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        : v,
  );
}
