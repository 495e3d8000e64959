import { type InputsCache, kustomizationInputs } from "../kustomize/references.ts";
import { readTaskfile } from "./taskfile.ts";
import { type Problem, reason, walkTree } from "./walk.ts";
import { uniqueNames } from "./names.ts";

/** The kinds of merge-request target. */
export type TargetType = "taskfile" | "kustomization";

/** One testable target. */
export interface Target {
  /** Unique within one discovery: the folder's name, disambiguated by its path on a clash. */
  name: string;
  /** Folder relative to the root, `/`-separated (`.` for the root itself). */
  path: string;
  /** `taskfile` (runs its `test:mr`) or `kustomization` (validated with kustomize). */
  type: TargetType;
  /** The Taskfile or kustomization file, relative to the root. */
  file: string;
}

/** What discovery found. */
export interface Discovery {
  /** Targets sorted by path. */
  targets: Target[];
  /** Files and folders that could not be read or understood. */
  problems: Problem[];
}

/**
 * Finds the merge-request targets of a workspace (docs/formats.md): folders
 * whose Taskfile defines `test:mr`, then folders with a kustomization that are
 * not inside a taskfile target's tree.
 *
 * @param root Absolute workspace root.
 * @returns The targets, sorted by path, with unique names, and the problems.
 */
export function discoverTargets(root: string): Discovery {
  const walked = walkTree(root);
  const problems = [...walked.problems];
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const taskfileDirs = new Set<string>();
  const found: Omit<Target, "name">[] = [];
  for (const file of walked.taskfiles) {
    let text: string;
    try {
      text = decoder.decode(Deno.readFileSync(`${root}/${file}`));
    } catch (err) {
      if (err instanceof Deno.errors.NotCapable) throw err;
      problems.push({ file, path: "", message: unreadable(err) });
      continue;
    }
    const verdict = readTaskfile(file, text);
    if ("problem" in verdict) problems.push(verdict.problem);
    else if (verdict.testMr) {
      const dir = dirOf(file);
      taskfileDirs.add(dir);
      found.push({ path: dir, type: "taskfile", file });
    }
  }
  for (const file of walked.kustomizations) {
    const dir = dirOf(file);
    if (!isCovered(dir, taskfileDirs)) found.push({ path: dir, type: "kustomization", file });
  }
  found.sort((a, b) => comparePaths(a.path, b.path));
  const names = uniqueNames(found.map((t) => t.path), baseName(root));
  return {
    targets: found.map((t, i) => ({ name: names[i]!, ...t })),
    problems: problems.sort((a, b) => comparePaths(a.file, b.file)),
  };
}

/**
 * Keeps the targets that a change touches. A taskfile target is affected when
 * a changed path is inside its folder; a kustomization when a changed path is
 * inside its folder or inside anything it refers to (resources, components,
 * bases, patches, generator files …), followed transitively.
 *
 * @param root Absolute workspace root.
 * @param discovery The targets to filter.
 * @param changed Changed paths, relative to the root (deleted files included).
 * @returns The affected targets, and problems met while following references.
 */
export function affectedTargets(
  root: string,
  discovery: Discovery,
  changed: readonly string[],
): Discovery {
  const changedAbs = changed.map((p) => `${root}/${p}`);
  const touches = (dir: string) => {
    const prefix = dir === root ? `${root}/` : `${dir}/`;
    return changedAbs.some((p) => p === dir || p.startsWith(prefix));
  };
  const cache: InputsCache = new Map();
  const problems = [...discovery.problems];
  const targets = discovery.targets.filter((target) => {
    const dir = target.path === "." ? root : `${root}/${target.path}`;
    if (target.type === "taskfile") return touches(dir);
    const inputs = kustomizationInputs(dir, { root, cache });
    problems.push(...inputs.problems);
    return [...inputs.dirs].some(touches) || changedAbs.some((p) => inputs.files.has(p));
  });
  return { targets, problems: dedupe(problems) };
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.file}:${p.line}:${p.column}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function unreadable(err: unknown): string {
  return err instanceof TypeError
    ? "Cannot read the file: it is not valid UTF-8"
    : `Cannot read the file: ${reason(err)}`;
}

function dirOf(file: string): string {
  const slash = file.lastIndexOf("/");
  return slash < 0 ? "." : file.slice(0, slash);
}

function baseName(path: string): string {
  return path.replace(/\/+$/, "").split("/").pop() || "root";
}

/** Whether `dir` is one of `roots` or inside one of them (`.` covers everything). */
function isCovered(dir: string, roots: ReadonlySet<string>): boolean {
  if (roots.has(".")) return true;
  let current = dir;
  while (true) {
    if (roots.has(current)) return true;
    const slash = current.lastIndexOf("/");
    if (slash < 0) return false;
    current = current.slice(0, slash);
  }
}

/**
 * Orders paths segment by segment, so `a/b` sorts before `a-b` and `a/b/c`:
 * the same as comparing the strings with `/` below every other character.
 */
export function comparePaths(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return x === SLASH ? -1 : y === SLASH ? 1 : x - y;
  }
  return a.length - b.length;
}

const SLASH = 0x2f;
