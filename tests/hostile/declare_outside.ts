// Declares what it wants outside the repository instead of breaking out: the
// sandbox grants what a task declares, so without the user's approval this
// read /etc/hostname and HOME. Refused before it runs unless approved
// (tests/trust_test.ts), not by the sandbox.
import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "declare-outside",
  description: "Hostile: declare /etc/hostname and HOME, then read them",
  args: z.object({}),
  permissions: { read: ["/etc/hostname"], env: ["HOME"] },
  run: async () => ({
    hostname: (await Deno.readTextFile("/etc/hostname")).trim(),
    home: Deno.env.get("HOME"),
  }),
});
