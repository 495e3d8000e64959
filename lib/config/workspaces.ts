import * as z from "../zod.ts";

/**
 * A tool's name in `development_tools`: a command looked up on `PATH` (and the
 * package's name): no path separator, not starting with `.` or `-`.
 */
export const TOOL_NAME = /^[A-Za-z0-9_+@][A-Za-z0-9._+@-]*$/;

/** A string with at least one character. */
const text = () => z.string().check(z.minLength(1));

/**
 * `workspaces.yaml` at the workspace root. Built on first use: a worker that
 * reads other files does not pay for it.
 */
export const workspacesFileSchema = z.lazy(buildWorkspacesFileSchema);

function buildWorkspacesFileSchema() {
  /**
   * `internalFolder`: one folder name under the workspace root, where a single
   * large workspace clones its projects.
   */
  const internalFolderSchema = z.string().check(z.superRefine((value, ctx) => {
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
    } else if (value === ".") {
      refuse("it must name a folder inside the workspace root, not the root");
    }
  }));

  /** One entry of `projects`. */
  const projectSchema = z.strictObject({
    name: text().check(z.describe("Unique project name, used by workspaces")),
    repo: text().check(z.describe("Git remote URL")),
    default_branch: z.optional(text()).check(z.describe("Branch to fast-forward (default: main)")),
    desired_state: z._default(z.enum(["present", "absent"]), "present").check(z.describe(
      "present: cloned by sync; absent: not cloned, reported when a clone exists",
    )),
    ai_enabled: z.optional(z.boolean()),
    bmad_enabled: z.optional(z.boolean()),
  });

  /** One entry of `workspaces`. */
  const workspaceSchema = z.strictObject({
    name: text().check(z.describe("Workspace name; also the .code-workspace file name")),
    internalFolder: z.optional(internalFolderSchema).check(z.describe(
      "Clone the projects under this folder instead of at the workspace root",
    )),
    projects: z.array(text()).check(z.describe("Names of projects in this workspace")),
    extensions: z.optional(z.array(text())).check(z.describe("VS Code extension recommendations")),
    ai_gateway: z.optional(z.strictObject({
      enabled: z.boolean(),
      primary_model: z.optional(text()),
    })),
    bmad: z.optional(z.strictObject({
      enabled: z.boolean(),
      methodology_version: z.optional(text()),
    })),
  });

  /**
   * A tool is a command name looked up on `PATH`, never a path: a name like
   * `./tools/lint` would make check-tools and install-tools run (or install
   * over) a file the repository chose, with the user's rights.
   */
  const toolName = z.string().check(z.superRefine((value, ctx) => {
    if (TOOL_NAME.test(value)) return;
    ctx.addIssue({
      code: "custom",
      message: `Cannot use tool ${
        JSON.stringify(value)
      }: expected a command name looked up on PATH ${
        value.includes("/") || value.includes("\\")
          ? 'without "/" or "\\"'
          : value === ""
          ? "(it is empty)"
          : /^[.-]/.test(value)
          ? 'not starting with "." or "-"'
          : "(letters, digits and . _ + @ -)"
      }, never a path into the repository`,
    });
  }));
  const toolList = z.optional(z.array(toolName));

  /** The `development_tools` section: what `install-tools` installs and `check-tools` checks. */
  const developmentToolsSchema = z.strictObject({
    system_packages: toolList,
    kubernetes_tools: toolList,
    python_tools: toolList,
    node_tools: toolList,
    go_tools: toolList,
    task_runner: toolList,
  });

  return z.strictObject({
    version: z.literal("v1").check(z.describe('File format version; only "v1" exists')),
    projects: z._default(z.array(projectSchema), []),
    workspaces: z._default(z.array(workspaceSchema), []),
    development_tools: z.optional(developmentToolsSchema),
  }).check(z.superRefine((file, ctx) => {
    const projects = firstIndexByName(file.projects, "projects", "project", ctx);
    firstIndexByName(file.workspaces, "workspaces", "workspace", ctx);
    file.workspaces.forEach((workspace, i) => {
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
  }));
}

/**
 * Where each name is first defined in a list; reports every later entry with
 * the same name.
 */
function firstIndexByName(
  entries: readonly { name: string }[],
  list: "projects" | "workspaces",
  noun: string,
  ctx: z.core.$RefinementCtx,
): Map<string, number> {
  const first = new Map<string, number>();
  entries.forEach(({ name }, i) => {
    const seen = first.get(name);
    if (seen === undefined) first.set(name, i);
    else {
      ctx.addIssue({
        code: "custom",
        path: [list, i, "name"],
        message: `Duplicate ${noun} name ${
          JSON.stringify(name)
        }: first defined at ${list}[${seen}]`,
      });
    }
  });
  return first;
}

/** The parsed `workspaces.yaml`. */
export type WorkspacesFile = z.output<typeof workspacesFileSchema>;
