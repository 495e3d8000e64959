import type * as z from "../zod.ts";

/** Renders a zod issue path the way users write it: `workspaces[1].internalFolder`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** `changedSince` → `--changed-since`. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * One line per issue; with `"flag"`, paths are shown as CLI flags.
 *
 * @param issues zod issues.
 * @param style How to show the path.
 */
export function formatZodIssues(
  issues: readonly z.core.$ZodIssue[],
  style: "flag" | "path",
): string {
  return issues.map((issue) => {
    const head = issue.path[0];
    const rest = formatPath(issue.path.slice(1));
    const where = style === "flag" && typeof head === "string"
      ? `${flagName(head)}${rest === "" || rest.startsWith("[") ? rest : `.${rest}`}`
      : formatPath(issue.path);
    // A flag the task needs and the command line lacks: said as such, not as a type.
    if (
      style === "flag" && issue.path.length === 1 && issue.code === "invalid_type" &&
      /received undefined$/.test(issue.message)
    ) {
      return `${where} is required${issue.expected === "string" ? "" : ` (${issue.expected})`}`;
    }
    return where ? `${where}: ${issue.message}` : issue.message;
  }).join("\n");
}
