/**
 * The `wst` executable: `deno task wst …`, `deno run … cli.ts …`, or the
 * binary built by `deno task compile`.
 *
 * @module
 */
import { parseArgv } from "./lib/cli/_argv.ts";
import { prestart } from "./lib/cli/prestart.ts";

const invocation = parseArgv(Deno.args);
// A built-in task's worker starts loading now, on another thread, while the CLI loads.
const prestarted = prestart(invocation);

const controller = new AbortController();
const onInterrupt = () => controller.abort();
Deno.addSignalListener("SIGINT", onInterrupt);
// A worker that ends without answering must not look like success.
Deno.exitCode = 1;
const { runInvocation } = await import("./lib/cli/run.ts");
const code = await runInvocation(invocation, { signal: controller.signal, prestarted });
Deno.removeSignalListener("SIGINT", onInterrupt);
Deno.exit(code);
