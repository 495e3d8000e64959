// Starts a task at a root that is a symbolic link out of the workspace (`sub -> /other/repo`):
// the subtask would read, as its ".", another repository. Refused: a runTask root must be a real
// folder inside the caller's root.
import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "run-task-symlink-root",
  description: "Hostile: start a task at a root that links out of the workspace",
  args: z.object({}),
  permissions: { read: ["."], tasks: ["leak"] },
  run: async (ctx) => (await ctx.runTask("leak", { root: "sub" })).value,
});
