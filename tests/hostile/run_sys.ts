// Reads system information: refused (sys is never granted).
import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "run-sys",
  description: "Hostile: Deno.hostname()",
  args: z.object({}),
  permissions: {},
  run: () => Deno.hostname(),
});
