// Dependencies and up-to-date checks (issue #14, parts 2 and 3): deps run first, each once, up
// to --jobs at once; cycles and unknown deps are usage errors; a failed dep stops its dependents
// (--fail-fast aborts the running ones); --dry-run prints the plan; describe shows deps;
// ctx.runTask throws a SubtaskFailedError a caller can catch; tasks with sources are skipped while
// up to date, and run again when a source, an argument, a declared env var, the module or a
// module it imports changes, or an output is missing; --force; two runs at once.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { type CliRun, workspace, wst } from "./_cli.ts";
import { pathExists as exists } from "../lib/fs/read.ts";
import { confineSupport } from "../lib/sandbox/confine.ts";
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";

const support = confineSupport();

/**
 * A task that records its run in `log/`: `<name>.start` and `<name>.end` (Date.now()), one
 * character per run in `<name>.count`. Before it ends it waits (at most `wait` ms) until as many
 * tasks have started as `log/barrier` says (1 without it), so tasks that may run at once do.
 */
function step(name: string, deps: string[], options: { body?: string; wait?: number } = {}) {
  return `import { defineTask } from "@wst/wst";
export default defineTask({
  name: ${JSON.stringify(name)},
  description: "Step ${name}",
  deps: ${JSON.stringify(deps)},
  permissions: { read: ["log"], write: ["log"] },
  run: async (ctx) => {
    const log = ctx.root + "/log";
    await Deno.writeTextFile(log + "/${name}.start", String(Date.now()));
    const want = Number(await Deno.readTextFile(log + "/barrier").catch(() => "1"));
    const deadline = Date.now() + ${options.wait ?? 20_000};
    while (Date.now() < deadline) {
      const started = [...Deno.readDirSync(log)].filter((e) => e.name.endsWith(".start")).length;
      if (started >= want) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    ${options.body ?? ""}
    await Deno.writeTextFile(log + "/${name}.end", String(Date.now()));
    await Deno.writeTextFile(log + "/${name}.count", "x", { append: true });
    return ${JSON.stringify(name)};
  },
});
`;
}

async function read(dir: string, file: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(`${dir}/log/${file}`);
  } catch {
    return undefined;
  }
}

async function runs(dir: string, name: string): Promise<number> {
  return (await read(dir, `${name}.count`))?.length ?? 0;
}

async function interval(dir: string, name: string): Promise<[number, number]> {
  return [Number(await read(dir, `${name}.start`)), Number(await read(dir, `${name}.end`))];
}

/** The most tasks that were running at one time, from their start and end times. */
function maxOverlap(intervals: [number, number][]): number {
  // An end at the same millisecond as a start came first: the next task starts after a result.
  const events = intervals.flatMap(([s, e]) => [[s, 1], [e, -1]] as [number, number][])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, delta] of events) most = Math.max(most, now += delta);
  return most;
}

function json(run: CliRun): Record<string, unknown> {
  return JSON.parse(run.stdout);
}

Deno.test("deps run before their task, each once in a diamond; a task without sources runs every time", async () => {
  await using ws = await workspace({
    "log/.keep": "",
    ".wst/tasks/a.ts": step("a", []),
    ".wst/tasks/b.ts": step("b", ["a"]),
    ".wst/tasks/c.ts": step("c", ["a"]),
    ".wst/tasks/d.ts": step("d", ["b", "c"]),
  });
  const run = await wst(["d", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(run.stdout, '"d"\n');
  for (const name of ["a", "b", "c", "d"]) assertEquals(await runs(ws.dir, name), 1, name);
  const [a, b, c, d] = await Promise.all(["a", "b", "c", "d"].map((n) => interval(ws.dir, n)));
  assert(a![1] <= b![0] && a![1] <= c![0], "a ends before b and c start");
  assert(b![1] <= d![0] && c![1] <= d![0], "b and c end before d starts");
  // A dep's result is shown, prefixed with its name, while several tasks run.
  assertMatch(run.stderr, /\[a\] "a"/);

  const again = await wst(["d", "--root", ws.dir]);
  assertEquals(again.code, 0, again.stderr);
  for (const name of ["a", "b", "c", "d"]) assertEquals(await runs(ws.dir, name), 2, name);
});

Deno.test(
  `the output of deps running at once comes line by line after their names${
    support.bwrap === undefined ? ` (skipped: ${support.reason})` : ""
  }`,
  { ignore: support.bwrap === undefined },
  async () => {
    // Confined, a task's output (its console, its children) reaches wst through a pipe it prefixes.
    const body = (name: string) =>
      `console.log("${name} one"); await new Promise((r) => setTimeout(r, 30)); console.error("${name} two");`;
    await using ws = await workspace({
      "log/.keep": "",
      "log/barrier": "2",
      ".wst/tasks/x.ts": step("x", [], { body: body("x") }),
      ".wst/tasks/y.ts": step("y", [], { body: body("y") }),
      ".wst/tasks/top.ts": step("top", ["x", "y"], { body: body("top") }),
    });
    const run = await wst(["top", "--confine", "require", "--root", ws.dir]);
    assertEquals(run.code, 0, run.stderr);
    const lines = run.stderr.split("\n");
    for (const name of ["x", "y", "top"]) {
      assert(lines.includes(`[${name}] ${name} one`), run.stderr);
      assert(lines.includes(`[${name}] ${name} two`), run.stderr);
    }
    // A task run alone is not prefixed.
    const alone = await wst(["x", "--confine", "require", "--root", ws.dir]);
    assertEquals(alone.code, 0, alone.stderr);
    assert(alone.stderr.split("\n").includes("x one"), alone.stderr);
  },
);

Deno.test("--jobs bounds how many deps run at once", async () => {
  // Each dep waits (at most 5 s) until as many tasks started as log/barrier says: one more than
  // --jobs allows, so without the bound they would all be running together when they end.
  const files = {
    "log/.keep": "",
    ".wst/tasks/x.ts": step("x", [], { wait: 5_000 }),
    ".wst/tasks/y.ts": step("y", [], { wait: 5_000 }),
    ".wst/tasks/z.ts": step("z", [], { wait: 5_000 }),
    ".wst/tasks/all.ts": step("all", ["x", "y", "z"]),
  };
  {
    await using ws = await workspace({ ...files, "log/barrier": "3" });
    const run = await wst(["--jobs", "2", "all", "--root", ws.dir]);
    assertEquals(run.code, 0, run.stderr);
    const deps = await Promise.all(["x", "y", "z"].map((n) => interval(ws.dir, n)));
    assertEquals(maxOverlap(deps), 2);
  }
  {
    // After the task's name --jobs is wst's too (the task has no argument of that name).
    await using ws = await workspace({ ...files, "log/barrier": "2" });
    const run = await wst(["all", "--jobs", "1", "--root", ws.dir]);
    assertEquals(run.code, 0, run.stderr);
    const deps = await Promise.all(["x", "y", "z"].map((n) => interval(ws.dir, n)));
    assertEquals(maxOverlap(deps), 1);
  }
  await using ws = await workspace(files);
  const bad = await wst(["all", "--jobs", "0", "--root", ws.dir]);
  assertEquals(bad.code, 2, bad.stderr);
  assertMatch(bad.stderr, /--jobs: expected a whole number of at least 1, found "0"/);
  // A task without deps too: a bad runner flag is never ignored.
  const plain = await wst(["--jobs", "many", "x", "--root", ws.dir]);
  assertEquals(plain.code, 2, plain.stderr);
  assertMatch(plain.stderr, /--jobs: expected a whole number of at least 1, found "many"/);
  assertEquals(await runs(ws.dir, "x"), 0);
});

Deno.test("a dependency cycle is a usage error naming the cycle, and nothing runs", async () => {
  await using ws = await workspace({
    "log/.keep": "",
    ".wst/tasks/top.ts": step("top", ["p"]),
    ".wst/tasks/p.ts": step("p", ["q"]),
    ".wst/tasks/q.ts": step("q", ["p"]),
  });
  const run = await wst(["top", "--root", ws.dir]);
  assertEquals(run.code, 2, run.stderr);
  assertMatch(run.stderr, /Dependency cycle: "p" -> "q" -> "p"/);
  for (const name of ["top", "p", "q"]) assertEquals(await runs(ws.dir, name), 0);
  const asJson = await wst(["top", "--json", "--root", ws.dir]);
  assertEquals((json(asJson).error as Record<string, unknown>).kind, "usage");
});

Deno.test("an unknown dep is a definition error naming the task and the reference", async () => {
  await using ws = await workspace({
    "log/.keep": "",
    ".wst/tasks/top.ts": step("top", ["a", "lnt"]),
    ".wst/tasks/a.ts": step("a", []),
  });
  const run = await wst(["top", "--root", ws.dir]);
  assertEquals(run.code, 2, run.stderr);
  assertMatch(
    run.stderr,
    /\.wst\/tasks\/top\.ts: .*deps\[1\]: Task "top" depends on "lnt", which is not a task/,
  );
  assertEquals(await runs(ws.dir, "a"), 0);
});

Deno.test("a dep that is not a task reference is refused when the module loads", async () => {
  await using ws = await workspace({ ".wst/tasks/top.ts": step("top", ["Not A Task"]) });
  const run = await wst(["list", "--json", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  const problems = json(run).problems as { file: string; message: string }[];
  assertEquals(problems.length, 1);
  assertMatch(problems[0]!.message, /deps\[0\]: Expected a task name/);
});

const FAIL = `throw new Error("lint found 2 problems");`;

Deno.test("a failed dep: the other deps finish, the task does not run (exit 1, naming the dep)", async () => {
  await using ws = await workspace({
    "log/.keep": "",
    "log/barrier": "2",
    ".wst/tasks/bad.ts": step("bad", [], { body: FAIL }),
    ".wst/tasks/good.ts": step("good", []),
    ".wst/tasks/top.ts": step("top", ["bad", "good"]),
  });
  const run = await wst(["top", "--root", ws.dir]);
  assertEquals(run.code, 1, run.stderr);
  assertMatch(run.stderr, /top: not run: its dependency "bad" failed/);
  assertMatch(run.stderr, /Task "bad" failed: lint found 2 problems/);
  assertEquals(await runs(ws.dir, "good"), 1);
  assertEquals(await runs(ws.dir, "top"), 0);

  const asJson = await wst(["top", "--json", "--root", ws.dir]);
  assertEquals(asJson.code, 1);
  const error = json(asJson).error as Record<string, unknown>;
  assertEquals(error.kind, "subtask-failed");
  assertEquals(error.task, "bad");
  assertEquals(error.subtaskKind, "task-failed");
});

Deno.test("--fail-fast aborts the running deps at the first failure", async () => {
  await using ws = await workspace({
    "log/.keep": "",
    "log/barrier": "2",
    // slow waits for a file nobody writes (60 s): only the abort ends it early.
    ".wst/tasks/slow.ts": step("slow", [], {
      body: `for (let i = 0; i < 3000 && !ctx.signal.aborted; i++) {
      if ([...Deno.readDirSync(log)].some((e) => e.name === "release")) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    if (ctx.signal.aborted) return "aborted";`,
    }),
    ".wst/tasks/bad.ts": step("bad", [], { body: FAIL }),
    ".wst/tasks/top.ts": step("top", ["slow", "bad"]),
  });
  const run = await wst(["top", "--fail-fast", "--root", ws.dir]);
  assertEquals(run.code, 1, run.stderr);
  assertMatch(run.stderr, /its dependency "bad" failed/);
  assertMatch(run.stderr, /\[slow\] aborted \(--fail-fast\)/);
  assertEquals(await read(ws.dir, "slow.start") !== undefined, true);
  assertEquals(await read(ws.dir, "slow.end"), undefined);
  assertEquals(await runs(ws.dir, "top"), 0);
});

Deno.test("--dry-run prints the levels it would run and runs nothing", async () => {
  await using ws = await workspace({
    "log/.keep": "",
    ".wst/tasks/a.ts": step("a", []),
    ".wst/tasks/b.ts": step("b", ["a"]),
    ".wst/tasks/c.ts": step("c", ["a"]),
    ".wst/tasks/d.ts": step("d", ["b", "c"]),
  });
  const run = await wst(["--dry-run", "d", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(
    run.stdout,
    "d would run in 3 steps (the tasks of a step may run at once); nothing was run:\n" +
      "  1. a\n  2. b, c\n  3. d\n",
  );
  const asJson = await wst(["d", "--dry-run", "--json", "--root", ws.dir]);
  assertEquals(asJson.code, 0, asJson.stderr);
  assertEquals(json(asJson).levels, [["a"], ["b", "c"], ["d"]]);
  assertEquals((json(asJson).order as { task: string }[]).map((s) => s.task), ["a", "b", "c", "d"]);
  for (const name of ["a", "b", "c", "d"]) assertEquals(await runs(ws.dir, name), 0);
});

Deno.test("a runner flag after the task's name is the task's own when it has that argument; before a command of wst's, refused", async () => {
  await using ws = await workspace({
    ".wst/tasks/deploy.ts": `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "deploy",
  description: "Deploy, or say what it would do",
  args: z.object({ dryRun: z.boolean().default(false) }),
  run: (_ctx, args) => ({ dryRun: args.dryRun }),
});
`,
  });
  const own = await wst(["deploy", "--dry-run", "--json", "--root", ws.dir]);
  assertEquals(own.code, 0, own.stderr);
  assertEquals(json(own), { dryRun: true });
  const wsts = await wst(["--dry-run", "deploy", "--json", "--root", ws.dir]);
  assertEquals(wsts.code, 0, wsts.stderr);
  assertEquals(json(wsts).dryRun, true);
  assertEquals(json(wsts).levels, [["deploy"]]);
  // Before a command of wst's own, a runner flag would do nothing: it is refused.
  const list = await wst(["--dry-run", "list", "--root", ws.dir]);
  assertEquals(list.code, 2, list.stderr);
  assertMatch(list.stderr, /--dry-run is for running a task: it does not apply to "list"/);
  const jobs = await wst(["--jobs", "2", "describe", "deploy", "--root", ws.dir]);
  assertEquals(jobs.code, 2, jobs.stderr);
  assertMatch(jobs.stderr, /--jobs is for running a task: it does not apply to "describe"/);
});

Deno.test("wst describe shows a task's deps, sources and outputs", async () => {
  await using ws = await workspace({
    ".wst/tasks/a.ts": step("a", []),
    ".wst/tasks/b.ts": step("b", ["a", ":a"]).replace(
      "deps:",
      `sources: ["src/**/*.ts"], outputs: ["dist/app.js"], deps:`,
    ),
  });
  const text = await wst(["describe", "b", "--root", ws.dir]);
  assertEquals(text.code, 0, text.stderr);
  assertMatch(text.stdout, /^deps: a, :a$/m);
  assertMatch(text.stdout, /^sources: src\/\*\*\/\*\.ts$/m);
  assertMatch(text.stdout, /^outputs: dist\/app\.js$/m);
  const asJson = json(await wst(["describe", "b", "--json", "--root", ws.dir]));
  assertEquals(asJson.deps, ["a", ":a"]);
  assertEquals(asJson.sources, ["src/**/*.ts"]);
  assertEquals(asJson.outputs, ["dist/app.js"]);
});

Deno.test("ctx.runTask: a failed subtask throws a SubtaskFailedError its caller can catch", async () => {
  const caller = (rethrow: boolean) =>
    `import { defineTask, SubtaskFailedError } from "@wst/wst";
export default defineTask({
  name: "check-all",
  description: "Runs bad, then good",
  permissions: { tasks: ["bad", "good"], read: ["log"], write: ["log"] },
  run: async (ctx) => {
    let caught = null;
    try {
      await ctx.runTask("bad");
    } catch (err) {
      if (${rethrow} || !(err instanceof SubtaskFailedError)) throw err;
      caught = { task: err.task, kind: err.subtaskKind, exitCode: err.exitCode };
    }
    const good = await ctx.runTask("good");
    return { caught, good: good.value };
  },
});
`;
  await using ws = await workspace({
    "log/.keep": "",
    ".wst/tasks/bad.ts": step("bad", [], { body: FAIL }),
    ".wst/tasks/good.ts": step("good", []),
    ".wst/tasks/check_all.ts": caller(false),
  });
  const run = await wst(["check-all", "--json", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(json(run), {
    caught: { task: "bad", kind: "task-failed", exitCode: 1 },
    good: "good",
  });

  await Deno.writeTextFile(`${ws.dir}/.wst/tasks/check_all.ts`, caller(true));
  const uncaught = await wst(["check-all", "--json", "--root", ws.dir]);
  assertEquals(uncaught.code, 1, uncaught.stderr);
  const error = json(uncaught).error as Record<string, unknown>;
  assertEquals(error.kind, "subtask-failed");
  assertEquals(error.task, "bad");
  assertMatch(String(error.message), /^Task "bad" failed: lint found 2 problems$/);
});

/** A task with sources, outputs, an argument, a declared env var and a local import. */
const BUILD = `import { defineTask } from "@wst/wst";
import { z } from "zod";
import { banner } from "./_banner.ts";
export default defineTask({
  name: "build",
  description: "Concatenate the sources",
  args: z.object({ mode: z.string().default("dev") }),
  sources: ["src/**/*.txt"],
  outputs: ["out/result.txt"],
  permissions: { read: ["src", "out", "log"], write: ["out", "log"], env: ["BUILD_FLAVOR"] },
  run: async (ctx, args) => {
    let text = banner + args.mode + (Deno.env.get("BUILD_FLAVOR") ?? "") + "\\n";
    for (const e of [...Deno.readDirSync(ctx.root + "/src")].sort((a, b) => a.name < b.name ? -1 : 1)) {
      text += await Deno.readTextFile(ctx.root + "/src/" + e.name);
    }
    await Deno.mkdir(ctx.root + "/out", { recursive: true });
    await Deno.writeTextFile(ctx.root + "/out/result.txt", text);
    await Deno.writeTextFile(ctx.root + "/log/build.count", "x", { append: true });
    return { bytes: text.length };
  },
});
`;

Deno.test("a task with sources is skipped while up to date, and runs again on each change it depends on", async () => {
  await using ws = await workspace({
    "log/.keep": "",
    "out/.keep": "",
    "src/a.txt": "alpha\n",
    ".wst/tasks/build.ts": BUILD,
    ".wst/tasks/_banner.ts": `export const banner = "v1 ";\n`,
  });
  const build = (extra: string[] = [], env: Record<string, string> = {}) =>
    wst(["build", "--root", ws.dir, ...extra], { env });
  const expect = async (run: CliRun, count: number, skipped: boolean, why: string) => {
    assertEquals(run.code, 0, `${why}: ${run.stderr}`);
    assertEquals(await runs(ws.dir, "build"), count, why);
    assertEquals(/build: up to date/.test(run.stderr), skipped, `${why}: ${run.stderr}`);
  };
  await expect(await build(), 1, false, "first run");
  await expect(await build(), 1, true, "nothing changed");
  const skipped = await build(["--json"]);
  assertEquals(json(skipped), { task: "build", status: "up-to-date" });

  await Deno.writeTextFile(`${ws.dir}/src/a.txt`, "alpha, changed\n");
  await expect(await build(), 2, false, "a source changed");
  await Deno.writeTextFile(`${ws.dir}/src/b.txt`, "beta\n");
  await expect(await build(), 3, false, "a source was added");
  await expect(await build(), 3, true, "unchanged again");
  // A file no glob matches changes nothing.
  await Deno.writeTextFile(`${ws.dir}/src/notes.md`, "notes\n");
  await expect(await build(), 3, true, "a file outside the sources");

  await expect(await build(["--mode", "prod"]), 4, false, "an argument changed");
  await expect(await build(["--mode", "prod"]), 4, true, "the same argument");
  await expect(await build(["--mode", "prod"], { BUILD_FLAVOR: "x" }), 5, false, "env changed");
  await expect(await build(["--mode", "prod"], { BUILD_FLAVOR: "x" }), 5, true, "same env");

  await Deno.writeTextFile(`${ws.dir}/.wst/tasks/build.ts`, `${BUILD}// edited\n`);
  await expect(await build(["--mode", "prod"], { BUILD_FLAVOR: "x" }), 6, false, "module edited");
  await Deno.writeTextFile(`${ws.dir}/.wst/tasks/_banner.ts`, `export const banner = "v2 ";\n`);
  await expect(await build(["--mode", "prod"], { BUILD_FLAVOR: "x" }), 7, false, "import edited");
  assertMatch(await Deno.readTextFile(`${ws.dir}/out/result.txt`), /^v2 prodx\n/);

  await Deno.remove(`${ws.dir}/out/result.txt`);
  await expect(await build(["--mode", "prod"], { BUILD_FLAVOR: "x" }), 8, false, "output missing");
  await expect(await build(["--mode", "prod"], { BUILD_FLAVOR: "x" }), 8, true, "output back");
  await expect(
    await build(["--mode", "prod", "--force"], { BUILD_FLAVOR: "x" }),
    9,
    false,
    "--force",
  );
});

Deno.test("a failed run of a task with sources records nothing: the next run runs it", async () => {
  const failing = BUILD.replace("return { bytes", `throw new Error("broken"); return { bytes`);
  await using ws = await workspace({
    "log/.keep": "",
    "out/.keep": "",
    "src/a.txt": "alpha\n",
    ".wst/tasks/build.ts": failing,
    ".wst/tasks/_banner.ts": `export const banner = "v1 ";\n`,
  });
  assertEquals((await wst(["build", "--root", ws.dir])).code, 1);
  assertEquals((await wst(["build", "--root", ws.dir])).code, 1);
  assertEquals(await runs(ws.dir, "build"), 2);
});

Deno.test("a symbolic link planted on the state's path is never written through (security review)", async () => {
  await using outside = await workspace({ "config.json": `{"auths":{"x":"secret"}}\n` });
  await using ws = await workspace({
    "log/.keep": "",
    "out/.keep": "",
    "src/a.txt": "alpha\n",
    ".wst/tasks/build.ts": BUILD,
    ".wst/tasks/_banner.ts": `export const banner = "v1 ";\n`,
  });
  await Deno.mkdir(`${ws.dir}/.wst/cache`);
  await Deno.symlink(outside.dir, `${ws.dir}/.wst/cache/up-to-date`);
  // The state file's name, planted as a link: renaming over it would not follow it, still refused.
  await Deno.symlink(`${outside.dir}/config.json`, `${outside.dir}/build.json`);
  for (const attempt of [1, 2]) {
    const run = await wst(["build", "--root", ws.dir]);
    assertEquals(run.code, 0, run.stderr);
    assertMatch(
      run.stderr,
      /Cannot record that "build" is up to date \(\.wst\/cache\/up-to-date is a symbolic link/,
    );
    assertEquals(await runs(ws.dir, "build"), attempt, "never skipped through the link");
  }
  assertEquals(await Deno.readTextFile(`${outside.dir}/config.json`), `{"auths":{"x":"secret"}}\n`);
  assertEquals([...Deno.readDirSync(outside.dir)].map((e) => e.name).sort(), [
    "build.json",
    "config.json",
  ]);
});

Deno.test("two runs at once of a task with sources both succeed and leave one whole state file", async () => {
  await using ws = await workspace({
    "log/.keep": "",
    "out/.keep": "",
    "src/a.txt": "alpha\n",
    ".wst/tasks/build.ts": BUILD,
    ".wst/tasks/_banner.ts": `export const banner = "v1 ";\n`,
  });
  const [one, two] = await Promise.all([
    wst(["build", "--root", ws.dir]),
    wst(["build", "--root", ws.dir]),
  ]);
  assertEquals(one.code, 0, one.stderr);
  assertEquals(two.code, 0, two.stderr);
  const dir = `${ws.dir}/.wst/cache/up-to-date`;
  const files = [...Deno.readDirSync(dir)].map((e) => e.name);
  assertEquals(files, ["build.json"]);
  const state = JSON.parse(await Deno.readTextFile(`${dir}/build.json`));
  assertEquals(state.task, "build");
  assertMatch(state.key, /^[0-9a-f]{64}$/);
  const third = await wst(["build", "--root", ws.dir]);
  assertEquals(third.code, 0, third.stderr);
  assertMatch(third.stderr, /build: up to date/);
  assert(await exists(`${ws.dir}/out/result.txt`));
});

Deno.test("Ctrl-C while a dep runs: it stops, nothing after it starts, exit 130", async () => {
  await using ws = await workspace({
    "log/.keep": "",
    ".wst/tasks/polite.ts": `import { defineTask } from "@wst/wst";
export default defineTask({
  name: "polite",
  description: "Waits for Ctrl-C and stops when told",
  run: (ctx) =>
    new Promise((_resolve, reject) => {
      const timer = setInterval(() => {}, 1_000);
      ctx.signal.addEventListener("abort", () => {
        clearInterval(timer);
        reject(ctx.signal.reason);
      }, { once: true });
      ctx.log.info("waiting for Ctrl-C");
    }),
});
`,
    ".wst/tasks/second.ts": step("second", ["polite"]),
    ".wst/tasks/top.ts": step("top", ["second"]),
  });
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...RUNTIME_FLAGS,
      `${REPO_ROOT}/${ENTRY_POINT}`,
      "top",
      "--root",
      ws.dir,
    ],
    env: { NO_COLOR: "1", WST_TRUST: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const guard = setTimeout(() => child.kill("SIGKILL"), 60_000); // a hang fails, never waits forever
  const reader = child.stderr.getReader();
  const decoder = new TextDecoder();
  let stderr = "";
  while (!stderr.includes("waiting for Ctrl-C")) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`wst ended before its dep ran:\n${stderr}`);
    stderr += decoder.decode(value, { stream: true });
  }
  child.kill("SIGINT");
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    stderr += decoder.decode(chunk.value, { stream: true });
  }
  const status = await child.status;
  clearTimeout(guard);
  assertEquals([status.code, status.signal], [130, null], stderr);
  // One task at a time (a chain of deps): its lines come unprefixed, as go-task's and just's do.
  assertMatch(stderr, /^waiting for Ctrl-C$/m);
  assertEquals(await runs(ws.dir, "second"), 0);
  assertEquals(await runs(ws.dir, "top"), 0);
});
