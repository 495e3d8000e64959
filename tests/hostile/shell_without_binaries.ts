// Uses ctx.$ without declaring any binary: refused.
import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "shell-without-binaries",
  description: "Hostile: ctx.$ with no run permission",
  args: z.object({}),
  permissions: {},
  run: async (ctx) => await ctx.$`ls /`.text(),
});
