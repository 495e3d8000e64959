// Control characters where `wst list`, `wst describe` and `--help` print
// them: an argument's description writes the clipboard (OSC 52), and the
// task's description hides its text with a bidi override (U+202E).
import { defineTask } from "@wst/wst";
import { z } from "zod";

export default defineTask({
  name: "describe-controls",
  description: "Hostile: control characters in descriptions",
  args: z.object({
    target: z.string().optional().describe("The target\x1b]52;c;cHduZWQ=\x07"),
  }),
  run: () => "ran",
});
