// A caller that may only read its workspace starts a helper whose read permission comes from the
// arguments the caller passes: `/etc`. Refused: the helper runs with the intersection of its own
// permissions and its caller's.
import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "widening-helper",
  description: "Hostile: widen a helper's permissions through its arguments",
  args: z.object({}),
  permissions: { read: ["."], tasks: ["read-path"] },
  run: async (ctx) =>
    (await ctx.runTask("read-path", { args: { path: "/etc", file: "/etc/hostname" } })).value,
});
