// Imports a JSR package chosen at run time while loading: Deno would fetch it from jsr.io.
import { defineTask } from "@wst/wst";
import { z } from "zod";
const name = ["@wst", "hostile-probe"].join("/");
const loaded = await import(`jsr:${name}@1.0.0`).then(() => "loaded", (e) => String(e));
export default defineTask({
  name: "load-jsr-import",
  description: `Hostile: jsr import at load time ${loaded.length}`,
  args: z.object({}),
  permissions: {},
  run: () => loaded,
});
