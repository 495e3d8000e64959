/**
 * The `wst` executable: `deno task wst …`, `deno run … cli.ts …`, or the
 * binary built by `deno task compile`.
 *
 * @module
 */
import { directRun, prestart } from "./lib/cli/prestart.ts";

// A built-in task's worker starts loading now, on another thread, while the CLI loads.
const prestarted = prestart(Deno.args);
// A built-in task given only global flags needs no parser: load just what runs it.
const direct = directRun(Deno.args);

const controller = new AbortController();
const onInterrupt = () => controller.abort();
Deno.addSignalListener("SIGINT", onInterrupt);
// A worker that ends without answering (e.g. a task calling Deno.exit) must not look like success.
Deno.exitCode = 1;
const options = { signal: controller.signal, prestarted };
const code = direct === undefined
  ? await (await import("./lib/cli/mod.ts")).main(Deno.args, options)
  : await (await import("./lib/cli/direct.ts")).mainDirect(Deno.args, direct, options);
Deno.removeSignalListener("SIGINT", onInterrupt);
Deno.exit(code);
