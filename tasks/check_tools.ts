import * as z from "../lib/zod.ts";
import { defineTask } from "../lib/task/mod.ts";
import { table } from "../lib/reporter/table.ts";
import { checkTool, configuredTools, type ToolCheck } from "../lib/tools/mod.ts";
import { loadWorkspaces, WORKSPACES_FILE } from "../lib/workspace/mod.ts";

export default defineTask({
  name: "check-tools",
  description: "Check the development_tools of workspaces.yaml: present or missing, version, path",
  args: z.object({}),
  // Tools are any names workspaces.yaml lists: they are looked up and asked their version via sh.
  permissions: { read: [WORKSPACES_FILE], run: ["sh"], env: ["PATH", "HOME"] },
  async run(ctx): Promise<{ tools: ToolCheck[]; missing: number }> {
    const config = await loadWorkspaces(ctx.root, ctx.log);
    const tools = await Promise.all(
      configuredTools(config).map(({ spec, category }) => checkTool(ctx.$, spec, category)),
    );
    return { tools, missing: tools.filter((t) => !t.present).length };
  },
  render(r) {
    if (r.tools.length === 0) return "No development_tools in workspaces.yaml";
    const rows = r.tools.map((t) => [
      t.present ? "ok" : "MISSING",
      t.name,
      t.category,
      t.version ?? "",
      t.path ?? `(install with ${t.installer})`,
    ]);
    return `${table(["", "TOOL", "CATEGORY", "VERSION", "PATH"], rows)}\n\n${
      r.tools.length - r.missing
    } present, ${r.missing} missing`;
  },
  failed: (r) => r.missing > 0,
});
