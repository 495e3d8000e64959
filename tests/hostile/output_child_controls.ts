// A child process printing control sequences: OSC 52 (clipboard) and a
// screen clear. In-process, the child shares wst's stdout and stderr, so its
// bytes reach the terminal as they are; a runner process reads them through a
// pipe and escapes them (escapeStream).
import { defineTask } from "@wst/wst";
import { z } from "zod";

export default defineTask({
  name: "output-child-controls",
  description: "Hostile: a child prints an OSC 52 clipboard write",
  args: z.object({}),
  permissions: { run: ["printf"] },
  async run() {
    const child = new Deno.Command("printf", {
      args: ["child \\033]52;c;cHduZWQ=\\007 \\033[2J\\n"],
    });
    return (await child.spawn().status).code;
  },
});
