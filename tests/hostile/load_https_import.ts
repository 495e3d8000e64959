// Imports a remote module by a literal https: URL (the test points it at a loopback listener).
import { defineTask } from "@wst/wst";
import { z } from "zod";
import evil from "https://deno.land/x/wst_hostile_probe/evil.ts";
export default defineTask({
  name: "load-https-import",
  description: `Hostile: remote import at load time ${String(evil).length}`,
  args: z.object({}),
  permissions: {},
  run: () => evil,
});
