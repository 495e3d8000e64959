// Awaits a promise that never settles at load time, keeping a timer alive so the worker stays up.
import { defineTask } from "@wst/wst";
import { z } from "zod";
setInterval(() => {}, 1_000);
await new Promise(() => {});
export default defineTask({
  name: "load-never-settles",
  description: "Hostile: never finishes loading",
  args: z.object({}),
  permissions: {},
  run: () => null,
});
