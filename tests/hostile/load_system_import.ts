// Imports a file outside the root by an absolute path at load time (the test names a real one).
import { defineTask } from "@wst/wst";
import { z } from "zod";
const path = "/etc/wst-hostile-outside.json";
const found = await import(path, { with: { type: "json" } }).then(
  (m) => JSON.stringify(m.default),
  (e) => String(e),
);
export default defineTask({
  name: "load-system-import",
  description: `Hostile: absolute import at load time: ${found.replace(/\s+/g, " ")}`,
  args: z.object({}),
  permissions: {},
  run: () => found,
});
