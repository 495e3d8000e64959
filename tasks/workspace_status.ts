import * as z from "../lib/zod.ts";
import { defineTask } from "../lib/task/mod.ts";
import { pathExists } from "../lib/fs/mod.ts";
import { table } from "../lib/reporter/table.ts";
import { cloneState, loadWorkspaces, placements } from "../lib/workspace/mod.ts";
import { GIT_USER_FILES } from "../lib/net_env.ts";

/** One clone (or missing or extra project) of the workspaces. */
export interface StatusEntry {
  workspace: string;
  project: string;
  path: string;
  /** ok (present and cloned), missing (present, not cloned), extra (absent or unknown, but cloned), absent. */
  presence: "ok" | "missing" | "extra" | "absent";
  branch: string | null;
  dirty: boolean | null;
  /** Against the upstream as of the last fetch. */
  ahead: number | null;
  behind: number | null;
}

export default defineTask({
  name: "workspace-status",
  description:
    "Show each clone's branch, local changes and ahead/behind, and missing or extra projects",
  args: z.object({
    workspace: z.optional(z.string().check(z.minLength(1))).check(
      z.describe("Only this workspace (default: all)"),
    ),
  }),
  permissions: { read: [".", ...GIT_USER_FILES], run: ["git"], env: ["HOME"] },
  async run(ctx, a): Promise<{ projects: StatusEntry[] }> {
    const config = await loadWorkspaces(ctx.root, ctx.log);
    const list = placements(config, a.workspace);
    const entries: StatusEntry[] = [];
    for (const p of list) {
      const dir = `${ctx.root}/${p.path}`;
      const exists = await pathExists(dir);
      const state = exists ? await cloneState(ctx.$, dir) : null;
      entries.push({
        workspace: p.workspace,
        project: p.project,
        path: p.path,
        presence: p.state === "present"
          ? (state ? "ok" : "missing")
          : (exists ? "extra" : "absent"),
        branch: state?.branch ?? null,
        dirty: state?.dirty ?? null,
        ahead: state?.ahead ?? null,
        behind: state?.behind ?? null,
      });
    }
    // Clones in an internalFolder that no workspace names.
    const known = new Set(list.map((p) => p.path));
    for (
      const w of config.workspaces.filter((w) =>
        a.workspace === undefined || w.name === a.workspace
      )
    ) {
      if (!w.internalFolder) continue;
      try {
        for await (const item of Deno.readDir(`${ctx.root}/${w.internalFolder}`)) {
          const path = `${w.internalFolder}/${item.name}`;
          if (!item.isDirectory || known.has(path)) continue;
          const state = await cloneState(ctx.$, `${ctx.root}/${path}`);
          if (state === null) continue;
          known.add(path);
          entries.push({
            workspace: w.name,
            project: item.name,
            path,
            presence: "extra",
            branch: state.branch,
            dirty: state.dirty,
            ahead: state.ahead,
            behind: state.behind,
          });
        }
      } catch (err) {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      }
    }
    entries.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
    return { projects: entries };
  },
  render(r) {
    if (r.projects.length === 0) return "No projects";
    return table(
      ["PROJECT", "WORKSPACE", "PATH", "PRESENCE", "BRANCH", "CHANGES", "AHEAD/BEHIND"],
      r.projects.map((p) => [
        p.project,
        p.workspace,
        p.path,
        p.presence,
        p.branch ?? (p.presence === "ok" ? "(detached)" : ""),
        p.dirty === null ? "" : p.dirty ? "dirty" : "clean",
        p.ahead === null ? "" : `+${p.ahead}/-${p.behind}`,
      ]),
    );
  },
});
