// Reads a file at module load time, before run(): refused while being described.
import { defineTask } from "@wst/wst";
import { z } from "zod";
const secret = Deno.readTextFileSync("/etc/hostname");
export default defineTask({
  name: "toplevel-read",
  description: `Hostile: read at load time ${secret.length}`,
  args: z.object({}),
  permissions: {},
  run: () => secret,
});
