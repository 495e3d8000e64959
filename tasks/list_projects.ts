import * as z from "../lib/zod.ts";
import { defineTask } from "../lib/task/mod.ts";
import {
  KIRO_SPECS_DIR,
  listProjects,
  type Orphan,
  type ProjectEntry,
  PROJECTS_DIR,
} from "../lib/projects/mod.ts";
import { table } from "../lib/reporter/table.ts";

/** The result of list-projects. */
export interface ListProjectsResult {
  projects: Array<Omit<ProjectEntry, "metadata">>;
  orphans: Orphan[];
  /** How many projects or orphans are broken. */
  broken: number;
}

export default defineTask({
  name: "list-projects",
  description: "List the AI projects in .ai/projects with format and status, flagging broken ones",
  args: z.object({}),
  permissions: { read: [PROJECTS_DIR, KIRO_SPECS_DIR, "codev"] },
  async run(ctx): Promise<ListProjectsResult> {
    const listing = await listProjects(ctx.root);
    const projects = listing.projects.map(({ metadata: _metadata, ...rest }) => rest);
    const broken = projects.filter((p) => p.problems.length > 0).length + listing.orphans.length;
    return { projects, orphans: listing.orphans, broken };
  },
  render(result) {
    if (result.projects.length === 0 && result.orphans.length === 0) {
      return `No projects in ${PROJECTS_DIR}/`;
    }
    const rows = result.projects.map((p) => [
      p.problems.length > 0 ? "BROKEN" : "ok",
      p.name,
      p.format,
      p.status,
      p.number ?? "",
      p.artifacts.join(", "),
    ]);
    const lines = [table(["", "NAME", "FORMAT", "STATUS", "NUMBER", "ARTIFACTS"], rows)];
    for (const p of result.projects) {
      for (const problem of p.problems) lines.push(`  ${p.name}: ${problem}`);
    }
    for (const o of result.orphans) lines.push(`  ${o.path}: ${o.problem}`);
    lines.push("", `${result.projects.length} project(s), ${result.broken} broken`);
    return lines.join("\n");
  },
});
