/**
 * The `wst` executable: `deno task wst …`, `deno run … cli.ts …`, or the
 * binary built by `deno task compile`.
 *
 * @module
 */
import { CLI_COMMANDS, parseArgv } from "./lib/cli/_argv.ts";
import { ProcessReaper } from "./lib/sandbox/process_tree.ts";
import { importOwn } from "./lib/_load.ts";
import { discardEarlyRunner, startEarlyRunner } from "./lib/sandbox/_prelaunch.ts";

// The confined runner (docs/adr/0009), started by wst itself inside bubblewrap; not a command.
if (Deno.args[0] === "__runner") {
  const { serveRunner } = await importOwn<typeof import("./lib/sandbox/_runner.ts")>(
    new URL("./lib/sandbox/_runner.ts", import.meta.url),
  );
  await serveRunner(Deno.args[1] ?? "");
}

// The inspection child (docs/adr/0010): started by the CLI itself, before anything else loads.
if (Deno.args[0] === "__inspect") {
  await (await importOwn<typeof import("./lib/registry/_inspect_child.ts")>(
    new URL("./lib/registry/_inspect_child.ts", import.meta.url),
  )).serveInspection();
}

const invocation = parseArgv(Deno.args);

// A confined runner recorded for this command line starts now, while the CLI loads
// (docs/adr/0009); it runs nothing until the run takes it, which checks it first. Only a task's
// run can take one: wst's own commands and help do not look.
if (
  invocation.command !== undefined && !CLI_COMMANDS.has(invocation.command) && !invocation.help
) {
  startEarlyRunner();
}

const controller = new AbortController();
// Ctrl-C (SIGINT, to wst alone or to its whole process group), SIGTERM and SIGHUP end the run: the
// processes its tasks started are remembered first (one that dies of the abort leaves its
// children to init), the run is aborted (no further step starts), they get SIGTERM, and what is
// left of their tree gets SIGKILL before wst exits 130.
let reaper: ProcessReaper | undefined;
const onInterrupt = () => {
  if (controller.signal.aborted) return;
  reaper = ProcessReaper.snapshot();
  controller.abort();
  reaper.terminate();
};
Deno.addSignalListener("SIGINT", onInterrupt);
if (Deno.build.os !== "windows") {
  Deno.addSignalListener("SIGTERM", onInterrupt);
  // The terminal closed (a window, an ssh session): left to its default, SIGHUP ended wst at once,
  // its runners' temp folders left behind.
  Deno.addSignalListener("SIGHUP", onInterrupt);
}
// (No `Deno.exitCode = 1` as a guard: setting it costs ~10 ms of start-up, and a run that never
// settles already exits 1, with Deno's "Top-level await promise never resolved".)
const { runInvocation } = await importOwn<typeof import("./lib/cli/run.ts")>(
  new URL("./lib/cli/run.ts", import.meta.url),
);
const code = await runInvocation(invocation, { signal: controller.signal, chdirToRoot: true });
if (reaper !== undefined) await reaper.kill();
await discardEarlyRunner();
Deno.removeSignalListener("SIGINT", onInterrupt);
// A Ctrl-C that reached wst only as its task finished (a script whose sleep died of the same
// signal, on a loaded machine) still ends the run as interrupted, as a shell's job would.
if (controller.signal.aborted && code === 0) {
  Deno.stderr.writeSync(new TextEncoder().encode("Interrupted (Ctrl-C, SIGTERM or SIGHUP)\n"));
  Deno.exit(130);
}
Deno.exit(code);
