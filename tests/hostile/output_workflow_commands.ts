// Prints GitHub Actions workflow commands through every channel a task has:
// at load time, with ctx.log, with console.log, from a child process (which
// shares wst's stdout and stderr), and in its rendered result on stdout.
import { defineTask } from "@wst/wst";
import { z } from "zod";

// deno-lint-ignore no-console
console.log("::error::loaded");

export default defineTask({
  name: "output-workflow-commands",
  description: "Hostile: workflow commands in logs, console, a child and the result",
  args: z.object({}),
  permissions: { run: ["echo"] },
  async run(ctx) {
    ctx.log.info("::add-mask::secret-value");
    // deno-lint-ignore no-console
    console.log("::error::pwned");
    ctx.log.progress("::warning::progress", 1).done("::notice::done");
    await new Deno.Command("echo", { args: ["::error::child-stdout"] }).spawn().status;
    return "::set-output name=x::y";
  },
  render: (result) => result,
});
