// The confined runner's entry when wst runs from its sources (docs/adr/0009):
// bundled with `_runner.ts` through the bundle cache (`RUNNER_BUNDLE` in
// confine.ts) into one small JS file, which starts in about half the time of
// `cli.ts __runner` and its TypeScript graph, since the sandbox's Deno cache
// starts empty. The bundle cache's entry calls `serve` with the default export.
import { serveRunner, warmRunner } from "./_runner.ts";

/**
 * Serves the run on the socket given as the process's first argument (a
 * built-in task's bundle second, to load at once); with
 * `--warm <module>…`, loads a built-in task's bundle (or wst's side of a
 * local task) and exits: the host fills the runner's warm cache so
 * (`_runner_cache.ts`).
 */
export function serve(): void {
  if (Deno.args[0] === "--warm") void warmRunner(Deno.args.slice(1));
  else void serveRunner(Deno.args[0] ?? "", Deno.args[1]);
}

/** Nothing: the bundle cache's entry imports a default export. */
export default {};
