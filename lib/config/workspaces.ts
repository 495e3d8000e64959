import * as z from "zod";

/**
 * `internalFolder`: one folder name under the workspace root, where a single
 * large workspace clones its projects.
 */
export const internalFolderSchema = z.string().superRefine((value, ctx) => {
  const refuse = (why: string) =>
    ctx.addIssue({
      code: "custom",
      message: `Cannot use internalFolder ${JSON.stringify(value)}: ${why}`,
    });
  if (value.trim() === "") refuse("it must be a non-empty folder name");
  else if (value.includes("\0")) refuse("it must not contain a NUL character");
  else if (value.includes("..")) refuse('it must not contain ".."');
  else if (value.includes("/") || value.includes("\\")) {
    refuse('it must be a single folder name, without "/" or "\\"');
  } else if (value === ".") refuse("it must name a folder inside the workspace root, not the root");
});

/** One entry of `projects`. */
export const projectSchema = z.strictObject({
  name: z.string().min(1).describe("Unique project name, used by workspaces"),
  repo: z.string().min(1).describe("Git remote URL"),
  default_branch: z.string().min(1).optional().describe("Branch to fast-forward (default: main)"),
  desired_state: z.enum(["present", "absent"]).default("present").describe(
    "present: cloned by sync; absent: not cloned, reported when a clone exists",
  ),
  ai_enabled: z.boolean().optional(),
  bmad_enabled: z.boolean().optional(),
});

/** One entry of `workspaces`. */
export const workspaceSchema = z.strictObject({
  name: z.string().min(1).describe("Workspace name; also the .code-workspace file name"),
  internalFolder: internalFolderSchema.optional().describe(
    "Clone the projects under this folder instead of at the workspace root",
  ),
  projects: z.array(z.string().min(1)).describe("Names of projects in this workspace"),
  extensions: z.array(z.string().min(1)).optional().describe(
    "VS Code extension recommendations",
  ),
  ai_gateway: z.strictObject({
    enabled: z.boolean(),
    primary_model: z.string().min(1).optional(),
  }).optional(),
  bmad: z.strictObject({
    enabled: z.boolean(),
    methodology_version: z.string().min(1).optional(),
  }).optional(),
});

const toolList = z.array(z.string().min(1)).optional();

/** The `development_tools` section: what `install-tools` installs and `check-tools` checks. */
export const developmentToolsSchema = z.strictObject({
  system_packages: toolList,
  kubernetes_tools: toolList,
  python_tools: toolList,
  node_tools: toolList,
  go_tools: toolList,
  task_runner: toolList,
});

/** `workspaces.yaml` at the workspace root. */
export const workspacesFileSchema = z.strictObject({
  version: z.literal("v1").describe('File format version; only "v1" exists'),
  projects: z.array(projectSchema).default([]),
  workspaces: z.array(workspaceSchema).default([]),
  development_tools: developmentToolsSchema.optional(),
}).superRefine((file, ctx) => {
  const projects = new Map<string, number>();
  file.projects.forEach((project, i) => {
    if (projects.has(project.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["projects", i, "name"],
        message: `Duplicate project name ${
          JSON.stringify(project.name)
        }: first defined at projects[${projects.get(project.name)}]`,
      });
    } else projects.set(project.name, i);
  });
  const workspaces = new Map<string, number>();
  file.workspaces.forEach((workspace, i) => {
    if (workspaces.has(workspace.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["workspaces", i, "name"],
        message: `Duplicate workspace name ${
          JSON.stringify(workspace.name)
        }: first defined at workspaces[${workspaces.get(workspace.name)}]`,
      });
    } else workspaces.set(workspace.name, i);
    workspace.projects.forEach((name, j) => {
      if (!projects.has(name)) {
        ctx.addIssue({
          code: "custom",
          path: ["workspaces", i, "projects", j],
          message: `Unknown project ${
            JSON.stringify(name)
          }: expected one of the names under projects (${
            [...projects.keys()].map((n) => JSON.stringify(n)).join(", ") || "none defined"
          })`,
        });
      }
    });
  });
});

/** The parsed `workspaces.yaml`. */
export type WorkspacesFile = z.output<typeof workspacesFileSchema>;
