// Loops forever at load time: `wst list`, `--help` and completion must not hang on it.
import { defineTask } from "@wst/wst";
import { z } from "zod";
let spins = 0;
while (spins >= 0) spins = (spins + 1) % 1_000;
export default defineTask({
  name: "load-loop",
  description: "Hostile: loops forever at load time",
  args: z.object({}),
  permissions: {},
  run: () => spins,
});
