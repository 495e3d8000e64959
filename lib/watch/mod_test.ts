import { assertEquals, assertMatch } from "../../tests/assert.ts";
import type { Reporter } from "../reporter/mod.ts";
import { watchRuns } from "./mod.ts";

function recorder(): { reporter: Reporter; lines: string[]; seen: (re: RegExp) => Promise<void> } {
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const log = (line: string) => {
    lines.push(line);
    for (const wake of waiters) wake();
  };
  return {
    lines,
    reporter: {
      debug: log,
      info: log,
      warn: log,
      error: log,
      progress: () => ({ tick: () => {}, done: () => {} }),
    },
    seen: (re) =>
      new Promise((resolve) => {
        const check = () => {
          if (lines.some((line) => re.test(line))) {
            waiters.delete(check);
            resolve();
          }
        };
        waiters.add(check);
        check();
      }),
  };
}

Deno.test("watchRuns() reruns on a change to a source, ignores other files, and aborts the running run first", async () => {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wst-watch-" }));
  await Deno.mkdir(`${root}/src`);
  await Deno.writeTextFile(`${root}/src/a.ts`, "1");
  const controller = new AbortController();
  const log = recorder();
  const runs: string[] = [];
  let started = 0;
  const watching = watchRuns({
    root,
    sources: ["src/**/*.ts"],
    outputs: ["src/gen/**"],
    signal: controller.signal,
    reporter: log.reporter,
    task: "build",
    endProcesses: false,
    run: (signal) =>
      new Promise<void>((resolve) => {
        started++;
        runs.push(`run ${started}`);
        log.reporter.info(`started ${started}`);
        // A long-running task: it ends when the watch aborts it.
        signal.addEventListener("abort", () => {
          runs.push("aborted");
          resolve();
        }, { once: true });
      }),
  });
  try {
    await log.seen(/started 1/);
    // Not sources: another extension, an output. Written first, so a rerun would name them.
    await Deno.writeTextFile(`${root}/src/notes.md`, "x");
    await Deno.mkdir(`${root}/src/gen`);
    await Deno.writeTextFile(`${root}/src/gen/out.ts`, "x");
    await Deno.writeTextFile(`${root}/src/a.ts`, "2");
    await log.seen(/started 2/);
    const changed = log.lines.find((line) => line.endsWith(`running "build" again`));
    assertEquals(changed, `src/a.ts changed: running "build" again`);
    assertEquals(runs, ["run 1", "aborted", "run 2"]);
    assertMatch(log.lines[0]!, /^Watching its sources "src\/\*\*\/\*\.ts"/);
  } finally {
    controller.abort();
    await watching;
    await Deno.remove(root, { recursive: true });
  }
  assertEquals(runs, ["run 1", "aborted", "run 2", "aborted"]);
});
