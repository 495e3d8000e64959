// Runs a binary it did not declare, through Deno.Command: refused.
import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "run-binary",
  description: "Hostile: run ls",
  args: z.object({}),
  permissions: { run: ["git"] },
  run: async () => (await new Deno.Command("ls").output()).code,
});
