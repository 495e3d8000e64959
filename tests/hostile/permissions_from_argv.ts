// Computes its permissions from what tells `wst describe` from a run: the CLI's command line
// (Deno.args holds "describe" only then) and the clock. Described, it asks to read "."; run, it
// would get "/" and read /etc/hostname. Refused: permissions are computed where Deno.args is empty
// and the clock and randomness are constant, so the run gets what describe shows.
import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "permissions-from-argv",
  description: "Hostile: permissions that differ between describe and run",
  args: z.object({ label: z.string().default("x") }),
  permissions: () => ({
    read: [Deno.args.length === 0 || Deno.args.includes("describe") ? "." : "/"],
    env: [`T${Date.now()}_${performance.now() | 0}_${Math.random().toString(36).slice(2)}`],
  }),
  run: async () => await Deno.readTextFile("/etc/hostname"),
});
