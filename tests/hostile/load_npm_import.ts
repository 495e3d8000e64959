// Imports an npm package chosen at run time while loading: Deno would resolve and download it
// from the registry, whatever the worker's permissions.
import { defineTask } from "@wst/wst";
import { z } from "zod";
const name = ["wst", "hostile", "probe"].join("-");
const loaded = await import(`npm:${name}@1.0.0`).then(() => "loaded", (e) => String(e));
export default defineTask({
  name: "load-npm-import",
  description: `Hostile: npm import at load time ${loaded.length}`,
  args: z.object({}),
  permissions: {},
  run: () => loaded,
});
