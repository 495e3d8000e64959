import type { ConfigIssue } from "../errors/mod.ts";

/**
 * A file or folder that could not be read or understood, reported instead of
 * crashing: path relative to the root, line and column when there are some.
 */
export type Problem = ConfigIssue;

/** Folders the walk never enters. */
export const SKIPPED_DIRS: ReadonlySet<string> = new Set([".git", "node_modules"]);

/** Taskfile names, in go-task's order of precedence. */
export const TASKFILE_NAMES = ["Taskfile.yml", "Taskfile.yaml"] as const;
/** Kustomization file names, in kustomize's order of precedence. */
export const KUSTOMIZATION_NAMES = [
  "kustomization.yaml",
  "kustomization.yml",
  "Kustomization",
] as const;

/** What a walk found: folders holding a Taskfile or a kustomization, and what it could not read. */
export interface WalkResult {
  /** Taskfile paths relative to the root, one per folder (the first name that exists). */
  taskfiles: string[];
  /** Kustomization file paths relative to the root, one per folder. */
  kustomizations: string[];
  /** Folders that could not be read. */
  problems: Problem[];
}

const TASKFILE_SET: ReadonlySet<string> = new Set(TASKFILE_NAMES);
const KUSTOMIZATION_SET: ReadonlySet<string> = new Set(KUSTOMIZATION_NAMES);

/**
 * Walks the tree under `root` looking for Taskfiles and kustomizations. Never
 * enters `.git` or `node_modules`, never follows a symbolic link to a folder
 * (no loops); a symbolic link to a Taskfile or kustomization file counts. A
 * folder that cannot be read is reported, and the walk goes on.
 *
 * @param root Absolute path of the workspace root.
 * @returns The files found (sorted) and the problems.
 */
export function walkTree(root: string): WalkResult {
  const taskfiles: string[] = [];
  const kustomizations: string[] = [];
  const problems: Problem[] = [];
  // Relative folder paths; "" is the root.
  const stack: string[] = [""];
  while (stack.length > 0) {
    const rel = stack.pop()!;
    const abs = rel === "" ? root : `${root}/${rel}`;
    let taskfile: string | undefined;
    let kustomization: string | undefined;
    try {
      for (const entry of Deno.readDirSync(abs)) {
        const name = entry.name;
        if (entry.isDirectory) {
          if (!SKIPPED_DIRS.has(name)) stack.push(rel === "" ? name : `${rel}/${name}`);
          continue;
        }
        if (TASKFILE_SET.has(name)) {
          if (isFileEntry(entry, abs) && precedes(name, taskfile, TASKFILE_NAMES)) taskfile = name;
        } else if (KUSTOMIZATION_SET.has(name)) {
          if (isFileEntry(entry, abs) && precedes(name, kustomization, KUSTOMIZATION_NAMES)) {
            kustomization = name;
          }
        }
      }
    } catch (err) {
      if (err instanceof Deno.errors.NotCapable) throw err; // a sandbox refusal, not a bad folder
      problems.push({
        file: rel === "" ? "." : rel,
        path: "",
        message: `Cannot read the folder: ${reason(err)}`,
      });
      continue;
    }
    if (taskfile) taskfiles.push(rel === "" ? taskfile : `${rel}/${taskfile}`);
    if (kustomization) kustomizations.push(rel === "" ? kustomization : `${rel}/${kustomization}`);
  }
  return { taskfiles: taskfiles.sort(), kustomizations: kustomizations.sort(), problems };
}

function isFileEntry(entry: Deno.DirEntry, dir: string): boolean {
  if (entry.isFile) return true;
  if (!entry.isSymlink) return false;
  try {
    return Deno.statSync(`${dir}/${entry.name}`).isFile;
  } catch {
    return false;
  }
}

function precedes(name: string, current: string | undefined, order: readonly string[]): boolean {
  return current === undefined || order.indexOf(name) < order.indexOf(current);
}

/** The short reason of a file system error, without the OS's call details. */
export function reason(err: unknown): string {
  if (err instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (err instanceof Deno.errors.NotFound) return "not found";
  if (err instanceof Deno.errors.NotADirectory) return "not a folder";
  return err instanceof Error ? err.message : String(err);
}
