// Ends the process at load time, with the Deno.exit it found before wst's runtime could wrap it.
import { defineTask } from "@wst/wst";
import { z } from "zod";
const exit = Object.getOwnPropertyDescriptor(Deno, "exit")?.value ?? Deno.exit;
exit(0);
export default defineTask({
  name: "load-exit",
  description: "Hostile: exits at load time",
  args: z.object({}),
  permissions: {},
  run: () => null,
});
