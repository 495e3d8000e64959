import type { ProjectMetadata } from "../config/mod.ts";
import { UsageError } from "../errors/mod.ts";
import { CODEV_KINDS, KIRO_SPECS_DIR, PROJECTS_DIR } from "./layout.ts";
import { nameProblem } from "./migrate_plan.ts";

/**
 * Checks a new project's name: the metadata schema's rule (lower-case
 * letters, digits, `.`, `_`, `-`), and nothing that could leave the folder.
 *
 * @throws {UsageError} Naming what is wrong.
 */
export function checkProjectName(name: string): void {
  const problem = nameProblem(name);
  if (problem !== undefined) {
    throw new UsageError(`Cannot use the project name ${JSON.stringify(name)}: ${problem}`);
  }
}

/**
 * The next free Codev number: one more than the highest used by a project's
 * metadata or by a file in `codev/specs|plans|reviews` (`NNNN-…`).
 *
 * @param root Absolute workspace root.
 * @param projects The metadata of the existing projects.
 * @returns Four digits, e.g. `"0007"`.
 */
export async function nextCodevNumber(
  root: string,
  projects: readonly ProjectMetadata[],
): Promise<string> {
  let highest = 0;
  for (const meta of projects) {
    if (meta.codevNumber) highest = Math.max(highest, Number(meta.codevNumber));
  }
  for (const kind of CODEV_KINDS) {
    try {
      for await (const entry of Deno.readDir(`${root}/${kind.dir}`)) {
        const match = /^(\d{4})-/.exec(entry.name);
        if (match) highest = Math.max(highest, Number(match[1]));
      }
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  }
  if (highest >= 9999) throw new UsageError("Cannot number a new Codev project: 9999 is taken");
  return String(highest + 1).padStart(4, "0");
}

/** Paths a new project would take; any that exists is a conflict. */
export function projectPaths(name: string): string[] {
  return [`${PROJECTS_DIR}/${name}`, `${KIRO_SPECS_DIR}/${name}`];
}
