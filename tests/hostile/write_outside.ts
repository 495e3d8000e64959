// Writes next to the workspace root, outside its declared write scope: refused.
import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "write-outside",
  description: "Hostile: write outside the declared folder",
  args: z.object({}),
  permissions: { read: ["."], write: ["out"] },
  run: async (ctx) => await Deno.writeTextFile(`${ctx.root}/../escaped.txt`, "x"),
});
