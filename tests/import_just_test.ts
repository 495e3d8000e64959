// `wst import justfile`: the real CLI converts a justfile through the real
// `just --dump` (pinned in tools/just), and the converted recipes print what
// `just` itself prints for the same calls.
import { assertEquals, assertMatch } from "./assert.ts";
import { workspace, wst } from "./_cli.ts";
import { JUSTFILE } from "./import_fixtures.ts";
import { assertModulesCheck, runImported } from "./_import_harness.ts";
import { REPO_ROOT } from "../scripts/runtime_flags.ts";

/** The pinned just (tools/just), installed from npm on first use by scripts/just.sh. */
async function justBinary(): Promise<string> {
  const out = await new Deno.Command("sh", {
    args: [`${REPO_ROOT}/scripts/just.sh`, "--path"],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("scripts/just.sh could not install just");
  return new TextDecoder().decode(out.stdout).trim();
}

/** What `just <args>` prints on stdout in `dir` (its command echo goes to stderr). */
async function just(dir: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(await justBinary(), {
    args,
    cwd: dir,
    env: { PATH: Deno.env.get("PATH") ?? "" },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

const PROJECT = { justfile: JUSTFILE, ".env": "API_TOKEN=from-dotenv\n", "sub/.keep": "" };

Deno.test("wst import justfile converts every recipe through just --dump, listing what it cannot convert", async () => {
  await using ws = await workspace(PROJECT);
  const run = await wst(["import", "justfile", "--just", await justBinary(), "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  const modules: string[] = [];
  for await (const e of Deno.readDir(`${ws.dir}/.wst/tasks`)) modules.push(e.name);
  assertEquals(modules.sort(), [
    "args.ts",
    "build.ts",
    "computed.ts",
    "count.ts",
    "greet_env.ts",
    "hello.ts",
    "helper.ts",
    "token.ts",
    "where.ts",
  ]);
  const hello = await Deno.readTextFile(`${ws.dir}/.wst/tasks/hello.ts`);
  assertMatch(hello, /description: "Say hello to someone",/);
  assertMatch(hello, /who: z\.string\(\)\.default\("world"\)/);
  assertMatch(hello, /deps: \["build"\],/);
  assertMatch(hello, /dotenv: \["\.env"\],/);
  // The line of the recipe (just's dump has none: found by name in the file).
  const line = JUSTFILE.split("\n").indexOf("helper:") + 1;
  assertMatch(run.stdout, new RegExp(`justfile:${line}: \\[private\\]: wst has no private tasks`));
  assertMatch(
    await Deno.readTextFile(`${ws.dir}/.wst/tasks/helper.ts`),
    new RegExp(`// TODO\\(justfile:${line}\\): \\[private\\]`),
  );
  assertMatch(run.stdout, /args {2}\.wst\/tasks\/args\.ts {2}\(run: bash; env: API_TOKEN\)/);
});

Deno.test("converted justfile recipes print what just prints (run against the #14 contract)", async () => {
  await using ws = await workspace(PROJECT);
  const imported = await wst([
    "import",
    "justfile",
    "--just",
    await justBinary(),
    "--root",
    ws.dir,
  ]);
  assertEquals(imported.code, 0, imported.stderr);
  const cases: [string[], string, Record<string, unknown>, string[]][] = [
    // [just's arguments, task, flags, argv]
    [["hello"], "hello", {}, []],
    [["hello", "ada"], "hello", { who: "ada" }, []],
    // A variable set on just's command line: the flag, and the exported env var with it.
    [["GREETING=hi", "hello"], "hello", { greeting: "hi" }, []],
    [["GREETING=hi", "greet-env"], "greet-env", { greeting: "hi" }, []],
    [["build"], "build", {}, []],
    [["args", "one", "two"], "args", {}, ["one", "two"]],
    [["count"], "count", {}, []],
    [["where"], "where", {}, []],
    [["where", "y"], "where", { suffix: "y" }, []],
    [["token"], "token", {}, []],
    [["computed"], "computed", {}, []],
  ];
  for (const [args, task, flags, argv] of cases) {
    const expected = await just(ws.dir, args);
    const actual = (await runImported(ws.dir, task, { args: flags, argv })).stdout;
    assertEquals(actual, expected, `just ${args.join(" ")}`);
  }
  await assertModulesCheck(ws.dir);
  // The values are what a reader expects, not only equal.
  assertEquals(await just(ws.dir, ["hello", "ada"]), "built\nhello ada hello\nquiet line\n");
});

Deno.test("wst import justfile says how to fix a missing just or a broken justfile (exit 2)", async () => {
  await using ws = await workspace({ justfile: "hello:\n\techo hi\n  bad indentation\n" });
  const missing = await wst([
    "import",
    "justfile",
    "--just",
    "/nonexistent/just",
    "--root",
    ws.dir,
  ]);
  assertEquals(missing.code, 2);
  assertMatch(
    missing.stderr,
    /Cannot run "\/nonexistent\/just": not found: install just, or give its path with --just/,
  );
  const broken = await wst(["import", "justfile", "--just", await justBinary(), "--root", ws.dir]);
  assertEquals(broken.code, 2);
  assertMatch(broken.stderr, /just cannot read .*justfile: error/);
});

// Needs the script part of issue #14 (ctx.script, ctx.argv at run time) and the graph part (deps).
Deno.test("a converted justfile recipe runs through wst and prints what just prints (#14)", async () => {
  await using ws = await workspace(PROJECT);
  assertEquals(
    (await wst(["import", "justfile", "--just", await justBinary(), "--root", ws.dir])).code,
    0,
  );
  const run = await wst(["hello", "--who", "ada", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(run.stdout, await just(ws.dir, ["hello", "ada"]));
});

Deno.test("justfile modules become namespaces: a module in its own folder, one beside its parent", async () => {
  await using ws = await workspace({
    justfile: "mod web\nmod tools 'tools.just'\n\n# Everything\nall: web::build\n    echo all\n",
    "web/justfile":
      '# Build the web app\nbuild: prepare\n    echo web build in $(basename "$PWD")\n\nprepare:\n    echo prepare\n',
    "tools.just": 'lint:\n    echo lint in $(basename "$PWD")\n',
  });
  const run = await wst(["import", "justfile", "--just", await justBinary(), "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(JSON.parse(await Deno.readTextFile(`${ws.dir}/.wst/config.json`)), {
    namespaces: { web: "web" },
  });
  assertEquals(
    (await runImported(ws.dir, "web:build")).stdout,
    await just(ws.dir, ["web", "build"]),
  );
  assertEquals(
    (await runImported(ws.dir, "tools:lint")).stdout,
    await just(ws.dir, ["tools", "lint"]),
  );
  assertEquals(await just(ws.dir, ["web", "build"]), "prepare\nweb build in web\n");
  // A dependency on a module's recipe (web::build) is web:build.
  assertEquals(
    (await runImported(ws.dir, "all")).stdout,
    await just(ws.dir, ["all"]),
  );
});
