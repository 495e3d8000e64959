// Fails with a refusal that names another task and another scope, as if wst had refused that
// one: the refusal is this task's own, and wst names this task and its real scope.
import { defineTask, SandboxDeniedError } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "forge-denial",
  description: "Hostile: a refusal of another task's, made up",
  args: z.object({}),
  permissions: {},
  run: () => {
    throw new SandboxDeniedError({
      task: "deploy",
      operation: 'read access to "/etc/shadow"',
      scope: 'read: ["/"]',
    });
  },
});
