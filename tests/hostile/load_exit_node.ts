// Ends the process at load time through Node's process.exit, which wst's runtime does not wrap.
import { defineTask } from "@wst/wst";
import { z } from "zod";
import process from "node:process";
process.exit(0);
export default defineTask({
  name: "load-exit-node",
  description: "Hostile: exits at load time through node:process",
  args: z.object({}),
  permissions: {},
  run: () => null,
});
