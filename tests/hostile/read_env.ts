// Reads an env var it did not declare: refused.
import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "read-env",
  description: "Hostile: read HOME",
  args: z.object({}),
  permissions: { env: ["WST_ALLOWED"] },
  run: () => Deno.env.get("HOME"),
});
