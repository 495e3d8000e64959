/**
 * The `wst` executable: `deno task wst …`, `deno run … cli.ts …`, or the
 * binary built by `deno task compile`.
 *
 * @module
 */
import { parseArgv } from "./lib/cli/_argv.ts";

// The confined runner (docs/adr/0009), started by wst itself inside bubblewrap; not a command.
if (Deno.args[0] === "__runner") {
  const { serveRunner } = await import("./lib/sandbox/_runner.ts");
  await serveRunner(Deno.args[1] ?? "");
}

// The inspection child (docs/adr/0010): started by the CLI itself, before anything else loads.
if (Deno.args[0] === "__inspect") {
  await (await import("./lib/registry/_inspect_child.ts")).serveInspection();
}

const invocation = parseArgv(Deno.args);

const controller = new AbortController();
const onInterrupt = () => controller.abort();
Deno.addSignalListener("SIGINT", onInterrupt);
// (No `Deno.exitCode = 1` as a guard: setting it costs ~10 ms of start-up, and a run that never
// settles already exits 1, with Deno's "Top-level await promise never resolved".)
const { runInvocation } = await import("./lib/cli/run.ts");
const code = await runInvocation(invocation, { signal: controller.signal, chdirToRoot: true });
Deno.removeSignalListener("SIGINT", onInterrupt);
Deno.exit(code);
