/**
 * The `wst` executable: `deno task wst …`, `deno run … cli.ts …`, or the
 * binary built by `deno task compile`.
 *
 * @module
 */
import { prestart } from "./lib/cli/prestart.ts";

// A built-in task's worker starts loading now, on another thread, while the CLI loads.
const prestarted = prestart(Deno.args);
const { main } = await import("./lib/cli/mod.ts");

const controller = new AbortController();
const onInterrupt = () => controller.abort();
Deno.addSignalListener("SIGINT", onInterrupt);
// A worker that ends without answering (e.g. a task calling Deno.exit) must not look like success.
Deno.exitCode = 1;
const code = await main(Deno.args, { signal: controller.signal, prestarted });
Deno.removeSignalListener("SIGINT", onInterrupt);
Deno.exit(code);
