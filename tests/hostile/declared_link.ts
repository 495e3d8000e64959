// Declares read access to "docs", a folder of its repository that is in fact a symbolic link to
// /etc (the test makes it), then reads docs/hostname. Refused before it starts: a declared path
// inside the root must really be inside it.
import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "declared-link",
  description: "Hostile: declare a path that is a link out of the workspace",
  args: z.object({}),
  permissions: { read: ["docs"] },
  run: async (ctx) => await Deno.readTextFile(`${ctx.root}/docs/hostname`),
});
