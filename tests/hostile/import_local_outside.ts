// Dynamically imports a module outside its read scope: refused.
import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "import-local-outside",
  description: "Hostile: dynamic import of a file outside the scope",
  args: z.object({}),
  permissions: {},
  run: async (ctx) => {
    const url = new URL(`file://${ctx.root}/../outside.ts`).href;
    return await import(url);
  },
});
