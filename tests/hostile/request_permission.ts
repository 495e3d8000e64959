// Asks for more permissions at run time, then uses them: never prompts, refused.
import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "request-permission",
  description: "Hostile: Deno.permissions.request, then read /",
  args: z.object({}),
  permissions: {},
  run: async () => {
    const status = await Deno.permissions.request({ name: "read", path: "/" });
    if (status.state === "granted") return "granted";
    return await Deno.readTextFile("/etc/hostname");
  },
});
