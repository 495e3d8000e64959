// The rules for a definition's `deps`, `sources` and `outputs`, shared by the
// definition check in a task's worker and the registry on the host (which never
// trusts what a worker says about itself). No zod here: the registry is on the
// start-up path.

/**
 * A task reference in `deps` or `ctx.runTask`: a task name, its segments
 * separated by `:`, relative to the referring task's namespace; a leading `:`
 * means from the top (`":lint"`).
 */
export const TASK_REFERENCE_PATTERN: RegExp = /^:?[a-z0-9][a-z0-9_-]*(?::[a-z0-9][a-z0-9_-]*)*$/;

/** One bad entry of `deps`, `sources` or `outputs`. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * What is wrong with a definition's `deps`, `sources` and `outputs`: each must
 * be absent or a list of strings; deps are task references, sources and
 * outputs globs relative to the task's root (no absolute path, no `..`).
 *
 * @param definition The definition (or the metadata a worker sent).
 * @returns One problem per bad entry; none when all are fine.
 */
export function graphFieldProblems(definition: Record<string, unknown>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const field of ["deps", "sources", "outputs"] as const) {
    const list = definition[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push({ field, message: "Expected a list of strings" });
      continue;
    }
    list.forEach((item: unknown, i) => {
      const at = `${field}[${i}]`;
      if (typeof item !== "string") {
        problems.push({ field: at, message: "Expected a string" });
        return;
      }
      const problem = field === "deps" ? referenceProblem(item) : globProblem(item);
      if (problem !== undefined) problems.push({ field: at, message: problem });
    });
  }
  return problems;
}

function referenceProblem(ref: string): string | undefined {
  return TASK_REFERENCE_PATTERN.test(ref)
    ? undefined
    : `Expected a task name (e.g. "lint", "seed:build" or ":lint"), found ${
      JSON.stringify(ref.slice(0, 60))
    }`;
}

function globProblem(glob: string): string | undefined {
  if (glob.trim() === "") {
    return "Expected a glob relative to the task's root, found an empty string";
  }
  if (glob.startsWith("/") || /^[A-Za-z]:[\\/]/.test(glob) || glob.startsWith("\\")) {
    return `Expected a glob relative to the task's root, found the absolute path ${
      JSON.stringify(glob.slice(0, 60))
    }`;
  }
  if (glob.split(/[\\/]/).includes("..")) {
    return `Expected a glob inside the task's root, found ${JSON.stringify(glob.slice(0, 60))}`;
  }
  if (glob.startsWith("!")) {
    return `Expected a glob that selects files (no "!" negation), found ${
      JSON.stringify(glob.slice(0, 60))
    }`;
  }
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(glob)) return "Expected a glob with no control characters";
  return undefined;
}
