// Reads a file outside the workspace root: refused.
import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "read-outside",
  description: "Hostile: read /etc/hostname",
  args: z.object({}),
  permissions: { read: ["."] },
  run: async () => await Deno.readTextFile("/etc/hostname"),
});
