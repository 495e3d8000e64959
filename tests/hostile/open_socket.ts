// Opens a TCP socket to a host it did not declare: refused.
import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "open-socket",
  description: "Hostile: connect to 127.0.0.1:9",
  args: z.object({}),
  permissions: { net: ["127.0.0.2:9"] },
  run: async () => (await Deno.connect({ hostname: "127.0.0.1", port: 9 })).close(),
});
