import type * as z from "../zod.ts";
import type { workspacesFileSchema } from "../config/mod.ts";
import { UsageError } from "../errors/mod.ts";

/** The parsed workspaces.yaml. */
export type WorkspacesFile = z.output<typeof workspacesFileSchema>;

/** One project of one workspace, where its clone lives. */
export interface Placement {
  workspace: string;
  project: string;
  repo: string;
  /** The branch to fast-forward, or null for the remote's default. */
  branch: string | null;
  state: "present" | "absent";
  /** Folder of the clone, relative to the root. */
  path: string;
}

/**
 * Where every project of the chosen workspaces is cloned: at the root, or
 * under the workspace's `internalFolder`. A path shared by two workspaces is
 * listed once.
 *
 * @param config The parsed workspaces.yaml.
 * @param only A workspace's name, to sync just that one.
 * @returns The placements, sorted by path.
 * @throws {UsageError} When `only` names no workspace.
 */
export function placements(config: WorkspacesFile, only?: string): Placement[] {
  const workspaces = only === undefined
    ? config.workspaces
    : config.workspaces.filter((w) => w.name === only);
  if (only !== undefined && workspaces.length === 0) {
    throw new UsageError(
      `No workspace named ${JSON.stringify(only)} in workspaces.yaml: expected one of ${
        config.workspaces.map((w) => JSON.stringify(w.name)).join(", ") || "(none)"
      }`,
    );
  }
  const projects = new Map(config.projects.map((p) => [p.name, p]));
  const byPath = new Map<string, Placement>();
  for (const workspace of workspaces) {
    for (const name of workspace.projects) {
      const project = projects.get(name);
      if (project === undefined) continue; // validate-config reports it
      const path = workspace.internalFolder ? `${workspace.internalFolder}/${name}` : name;
      if (byPath.has(path)) continue;
      byPath.set(path, {
        workspace: workspace.name,
        project: name,
        repo: project.repo,
        branch: project.default_branch ?? null,
        state: project.desired_state,
        path,
      });
    }
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
