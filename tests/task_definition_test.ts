// A newcomer's first task modules, through the real CLI: what a definition
// may leave out, what is refused and how, and how a task's errors, exits and
// console output reach the user.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { workspace, wst } from "./_cli.ts";

const task = (body: string) =>
  `import { defineTask } from "@wst/wst";\nexport default defineTask(${body});\n`;

Deno.test("a task without args, permissions or render runs, and may return nothing", async () => {
  await using ws = await workspace({
    ".wst/tasks/hello.ts": task(`{
  name: "hello",
  description: "Say hello",
  run(ctx) { ctx.log.info("hello"); },
}`),
  });
  const text = await wst(["hello", "--root", ws.dir]);
  assertEquals([text.code, text.stdout], [0, ""], text.stderr);
  assertMatch(text.stderr, /hello/);
  const json = await wst(["hello", "--root", ws.dir, "--json"]);
  assertEquals([json.code, json.stdout], [0, "null\n"], json.stderr);
  const described = await wst(["describe", "hello", "--root", ws.dir, "--json"]);
  assertEquals(JSON.parse(described.stdout).permissions, {});
});

Deno.test("every bad field of a definition is named, defineTask or plain object, and nothing else breaks", async () => {
  await using ws = await workspace({
    ".wst/tasks/bad.ts":
      `export default { description: "two\\nlines", permissions: { read: "." } };\n`,
    ".wst/tasks/no_description.ts": task(`{ name: "no-description", run() {} } as never`),
    ".wst/tasks/ok.ts": task(`{ name: "fine", description: "Still listed", run() {} }`),
    ".wst/tasks/escape.ts": task(
      `{ name: "escape", description: "Red \\u001b[31m text", run() {} }`,
    ),
  });
  const run = await wst(["list", "--root", ws.dir, "--json"]);
  assertEquals(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert(doc.tasks.some((t: { name: string }) => t.name === "fine"));
  const bad = doc.problems.find((p: { file: string }) => p.file === ".wst/tasks/bad.ts");
  assertEquals(bad.kind, "task-definition");
  for (const field of ["name", "description", "permissions.read", "run"]) {
    assertMatch(bad.message, new RegExp(`(^|; )${field.replace(".", "\\.")}: `), field);
  }
  const escape = doc.problems.find((p: { file: string }) => p.file.endsWith("escape.ts"));
  assertMatch(
    escape.message,
    /^description: Expected one non-empty line with no control characters/,
  );
  const missing = doc.problems.find((p: { file: string }) => p.file.endsWith("no_description.ts"));
  assertMatch(missing.message, /^description: /);
  assert(!run.stderr.includes("Uncaught"), run.stderr);
  assert(!run.stderr.includes("_zod") && !run.stderr.includes("reading 'trim'"), run.stderr);
});

Deno.test("a local task can never take a command's or a built-in's name", async () => {
  await using ws = await workspace({
    ".wst/tasks/list.ts":
      `export default { name: "list", description: "Steal list", run: () => "stolen" };\n`,
    ".wst/tasks/describe.ts": task(
      `{ name: "describe", description: "Steal describe", run: () => "x" }`,
    ),
    ".wst/tasks/init.ts": task(`{ name: "init", description: "Steal init", run: () => "x" }`),
  });
  const list = await wst(["list", "--root", ws.dir, "--json"]);
  assertEquals(list.code, 0, list.stderr);
  const doc = JSON.parse(list.stdout);
  assertEquals(doc.problems.length, 3, list.stdout);
  assertEquals(doc.tasks.find((t: { name: string }) => t.name === "init").source, "built-in");
  assert(!doc.tasks.some((t: { name: string }) => t.name === "list" || t.name === "describe"));
  const describe = await wst(["describe", "validate-config", "--root", ws.dir, "--json"]);
  assertEquals(JSON.parse(describe.stdout).name, "validate-config");
});

Deno.test("a module that fails to load is one line with its place, never Deno's trace", async () => {
  await using ws = await workspace({
    ".wst/tasks/missing.ts": `import x from "./nope.ts";\nexport default x;\n`,
    ".wst/tasks/syntax.ts": `export default {;\n`,
    ".wst/tasks/throws.ts":
      `const value: { a?: { b: number } } = {};\nvalue.a!.b;\nexport default {};\n`,
  });
  for (const args of [["list"], ["missing"], ["--help"]]) {
    const run = await wst([...args, "--root", ws.dir]);
    assert(!run.stderr.includes("Uncaught"), `${args.join(" ")}: ${run.stderr}`);
  }
  const list = await wst(["list", "--root", ws.dir, "--json"]);
  const problems = JSON.parse(list.stdout).problems as Array<
    { file: string; line?: number; message: string }
  >;
  const byFile = Object.fromEntries(problems.map((p) => [p.file, p]));
  assertMatch(byFile[".wst/tasks/missing.ts"]!.message, /Module not found .*nope\.ts/);
  assertEquals(byFile[".wst/tasks/missing.ts"]!.line, 1);
  assertMatch(byFile[".wst/tasks/syntax.ts"]!.message, /SyntaxError/);
  assertMatch(byFile[".wst/tasks/throws.ts"]!.message, /TypeError: Cannot read properties/);
  assertEquals(byFile[".wst/tasks/throws.ts"]!.line, 2);
});

Deno.test("a task's error shows its file:line:column; --verbose adds the stack", async () => {
  await using ws = await workspace({
    ".wst/tasks/boom.ts": task(`{
  name: "boom",
  description: "Fails",
  run() {
    throw new Error("kaboom");
  },
}`),
  });
  const run = await wst(["boom", "--root", ws.dir]);
  assertEquals(run.code, 1);
  assertEquals(run.stderr.trim(), "error: .wst/tasks/boom.ts:6:11: kaboom");
  const verbose = await wst(["boom", "--root", ws.dir, "--verbose"]);
  assertMatch(verbose.stderr, /at Object\.run \(file:\/\/.*\/\.wst\/tasks\/boom\.ts:6:11\)/);
  const json = await wst(["boom", "--root", ws.dir, "--json"]);
  assertEquals(JSON.parse(json.stdout), {
    error: {
      kind: "task-failed",
      message: "kaboom",
      exitCode: 1,
      location: { file: ".wst/tasks/boom.ts", line: 6, column: 11 },
    },
  });
});

Deno.test("wst's error classes keep their exit code across the sandbox", async () => {
  const thrower = (name: string, error: string) =>
    `import { defineTask, ConfigError, SandboxDeniedError, UsageError } from "@wst/wst";
export default defineTask({ name: "${name}", description: "Throws", run() { throw ${error}; } });
`;
  await using ws = await workspace({
    ".wst/tasks/usage.ts": thrower("usage", `new UsageError("Expected --x")`),
    ".wst/tasks/config.ts": thrower(
      "config",
      `new ConfigError([{ file: "a.yaml", line: 2, column: 3, path: "x", message: "Expected a string" }])`,
    ),
    ".wst/tasks/denied.ts": thrower(
      "denied",
      `new SandboxDeniedError({ task: "t", operation: "read access", scope: "nothing" })`,
    ),
  });
  const usage = await wst(["usage", "--root", ws.dir, "--json"]);
  assertEquals([usage.code, JSON.parse(usage.stdout).error.kind], [2, "usage"]);
  const config = await wst(["config", "--root", ws.dir, "--json"]);
  assertEquals(config.code, 2);
  assertEquals(JSON.parse(config.stdout).error.issues[0].path, "x");
  assertMatch(config.stderr, /a\.yaml:2:3: x: Expected a string/);
  const denied = await wst(["denied", "--root", ws.dir]);
  assertEquals(denied.code, 3, denied.stderr);
});

Deno.test("an error a task shapes to break wst (bad fields, throwing getters) ends the run as a failure", async () => {
  const thrower = (name: string, body: string) =>
    `import { defineTask, ConfigError } from "@wst/wst";
export default defineTask({ name: "${name}", description: "Throws", run() { ${body} } });
`;
  await using ws = await workspace({
    // A real ConfigError whose wire fields are not what a ConfigError's are.
    ".wst/tasks/fields.ts": thrower(
      "fields",
      `const e = new ConfigError([{ file: "a.yaml", path: "x", message: "shaped" }]);
e.toJSON = () => ({ error: { kind: "config", message: "shaped", issues: "not a list" } });
throw e;`,
    ),
    // An error whose every field throws when read.
    ".wst/tasks/getters.ts": thrower(
      "getters",
      `const e = new Error("x");
for (const key of ["message", "stack", "name"]) {
  Object.defineProperty(e, key, { get() { throw new Error("trap"); } });
}
throw e;`,
    ),
  });
  const fields = await wst(["fields", "--root", ws.dir, "--json"]);
  assertEquals(fields.code, 1, fields.stderr);
  const { error } = JSON.parse(fields.stdout);
  assertEquals(error.kind, "task-failed");
  assertMatch(error.message, /shaped/);
  const getters = await wst(["getters", "--root", ws.dir]);
  assertEquals(getters.code, 1, getters.stderr);
  assertMatch(getters.stderr, /a value wst cannot read/);
});

Deno.test("Deno.exit, self.close and an unhandled rejection fail the task, at load or at run time", async () => {
  await using ws = await workspace({
    ".wst/tasks/exit.ts": task(`{ name: "exit", description: "Exits", run() { Deno.exit(0); } }`),
    ".wst/tasks/close.ts": task(
      `{ name: "close", description: "Closes", run() { self.close(); } }`,
    ),
    ".wst/tasks/reject.ts": task(`{
  name: "reject",
  description: "Loses a promise",
  async run() {
    Promise.reject(new Error("lost"));
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    return "finished";
  },
}`),
    ".wst/tasks/exit_at_load.ts": `Deno.exit(0);\nexport default {};\n`,
  });
  for (const [name, message] of [["exit", /Deno\.exit\(0\)/], ["close", /self\.close\(\)/]]) {
    const run = await wst([name as string, "--root", ws.dir]);
    assertEquals(run.code, 1, `${name}: ${run.stderr}`);
    assertMatch(run.stderr, message as RegExp);
  }
  const reject = await wst(["reject", "--root", ws.dir]);
  assertEquals([reject.code, reject.stdout], [1, ""]);
  assertMatch(reject.stderr, /\.wst\/tasks\/reject\.ts:6:\d+: lost/);
  const list = await wst(["list", "--root", ws.dir, "--json"]);
  const problem = JSON.parse(list.stdout).problems[0];
  assertEquals(problem.file, ".wst/tasks/exit_at_load.ts");
  assertMatch(problem.message, /Deno\.exit\(0\)/);
});

Deno.test("console output of a task goes to stderr: --json stdout stays one document", async () => {
  await using ws = await workspace({
    ".wst/tasks/chatty.ts": task(`{
  name: "chatty",
  description: "Logs with console",
  run() {
    console.log("log line");
    console.info("info line");
    console.table([{ a: 1 }]);
    console.count();
    console.time("t");
    console.timeEnd("t");
    Deno.stdout.writeSync(new TextEncoder().encode("raw\\n"));
    return { ok: true };
  },
}`),
  });
  const run = await wst(["chatty", "--root", ws.dir, "--json"]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(JSON.parse(run.stdout), { ok: true });
  assertMatch(run.stderr, /log line/);
  assertMatch(run.stderr, /info line/);
  assertMatch(run.stderr, /\(index\) +a\n0 +1/);
  assertMatch(run.stderr, /default: 1/);
  assertMatch(run.stderr, /^raw$/m);
});

Deno.test("a module that never finishes loading is a problem after the time limit; the rest list", async () => {
  await using ws = await workspace({
    ".wst/tasks/spin.ts": `while (true) { /* never loads */ }\nexport default {};\n`,
    ".wst/tasks/wait.ts": `await new Promise(() => {});\nexport default {};\n`,
    ".wst/tasks/ok.ts": task(`{ name: "fine", description: "Still listed", run() {} }`),
  });
  const run = await wst(["list", "--root", ws.dir, "--json"], { env: { WST_LOAD_TIMEOUT: "2" } });
  assertEquals(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert(doc.tasks.some((t: { name: string }) => t.name === "fine"));
  assertEquals(doc.problems.map((p: { file: string }) => p.file).sort(), [
    ".wst/tasks/spin.ts",
    ".wst/tasks/wait.ts",
  ]);
  assertMatch(doc.problems[0].message, /did not load within 2 s/);
});

Deno.test("Ctrl-C while wst list waits for a module that never loads exits 130", async () => {
  await using ws = await workspace({
    ".wst/tasks/spin.ts": `while (true) { /* never loads */ }\nexport default {};\n`,
  });
  const { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } = await import("../scripts/runtime_flags.ts");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--quiet",
      ...RUNTIME_FLAGS,
      `${REPO_ROOT}/${ENTRY_POINT}`,
      "list",
      "--root",
      ws.dir,
    ],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  child.kill("SIGINT");
  const out = await child.output();
  assertEquals(out.code, 130, new TextDecoder().decode(out.stderr));
});

Deno.test("what a module may read while it loads does not reach through a symbolic link", async () => {
  await using ws = await workspace({
    ".wst/tasks/peek.ts":
      `const text = Deno.readTextFileSync(new URL("../link/etc/hostname", import.meta.url));
export default { name: "peek", description: "Read " + text.trim(), run() {} };
`,
    ".wst/tasks/_helper.ts": `export const greeting = "hello";\n`,
    ".wst/tasks/helped.ts": `import { greeting } from "./_helper.ts";
export default { name: "helped", description: "Says " + greeting, run() {} };
`,
  });
  await Deno.symlink("/", `${ws.dir}/.wst/link`);
  const run = await wst(["list", "--root", ws.dir, "--json"]);
  assertEquals(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  // A helper next to the task still loads: module files are granted one by one.
  assertEquals(
    doc.tasks.find((t: { name: string }) => t.name === "helped")?.description,
    "Says hello",
  );
  assertEquals(doc.problems.length, 1, run.stdout);
  assertEquals(doc.problems[0].kind, "sandbox-denied");
  assertMatch(doc.problems[0].message, /read access to ".*\/\.wst\/link\/etc\/hostname"/);
});

Deno.test("a module cannot keep its load-time read grants by replacing revokeSync", async () => {
  await using ws = await workspace({
    ".wst/data.json": `{ "secret": true }\n`,
    ".wst/tasks/keep.ts": `import { defineTask } from "@wst/wst";
(Deno.permissions as unknown as { revokeSync: unknown }).revokeSync = () => ({ state: "granted" });
export default defineTask({
  name: "keep",
  description: "Tries to keep its load-time grants",
  run: (ctx) => Deno.readTextFileSync(ctx.root + "/.wst/data.json"),
});
`,
  });
  const run = await wst(["keep", "--root", ws.dir]);
  assertEquals(run.code, 3, run.stderr);
  assertMatch(run.stderr, /refused read access to ".*\/\.wst\/data\.json"/);
});

Deno.test("an argument named like a global flag or its alias is refused; a forged description is ignored", async () => {
  await using ws = await workspace({
    ".wst/tasks/short.ts": `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({ name: "short", description: "Has -h", args: z.object({ h: z.string().optional() }), run() {} });
`,
    ".wst/tasks/forged.ts":
      `self.postMessage({ type: "described", meta: { name: "forged", description: "Forged",
  argsSchema: { type: "object", properties: { help: { type: "string" } } }, permissions: {} } });
export default { name: "forged", description: "d", run() {} };
`,
    ".wst/tasks/ok.ts": task(`{ name: "fine", description: "Still listed", run() {} }`),
  });
  const run = await wst(["list", "--root", ws.dir, "--json"]);
  assertEquals(run.code, 0, run.stderr);
  const doc = JSON.parse(run.stdout);
  assert(doc.tasks.some((t: { name: string }) => t.name === "fine"));
  assertEquals(doc.problems.map((p: { file: string }) => p.file), [".wst/tasks/short.ts"]);
  // What the module posted itself never reaches wst: its real definition is what lists.
  assertEquals(doc.tasks.find((t: { name: string }) => t.name === "forged")?.description, "d");
  assertEquals((await wst(["fine", "--root", ws.dir])).code, 0);
});

Deno.test("a task cannot forge its result or an error class by posting messages itself", async () => {
  await using ws = await workspace({
    ".wst/tasks/forge.ts": task(`{
  name: "forge",
  description: "Posts protocol messages itself",
  async run() {
    self.postMessage({ type: "result", value: { forged: true }, text: "forged", failed: false });
    self.postMessage({ type: "error", error: { kind: "interrupted", message: "x" } });
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { real: true };
  },
}`),
  });
  const run = await wst(["forge", "--root", ws.dir, "--json"]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(JSON.parse(run.stdout), { real: true });
});

Deno.test("control characters in a task's error reach the terminal escaped", async () => {
  await using ws = await workspace({
    ".wst/tasks/title.ts": task(`{
  name: "title",
  description: "Fails with a terminal escape",
  run() {
    throw new Error("boom \\u001b]0;PWNED\\u0007 \\u001b[2J");
  },
}`),
    ".wst/tasks/broken.ts":
      `throw new Error("load \\u001b]52;c;Y2xpcA==\\u0007");\nexport default {};\n`,
  });
  const run = await wst(["title", "--root", ws.dir]);
  assertEquals(run.code, 1);
  assert(
    !run.stderr.includes("\u001b]") && !run.stderr.includes("\u0007"),
    JSON.stringify(run.stderr),
  );
  assertMatch(run.stderr, /boom \\x1b\]0;PWNED\\x07 \\x1b\[2J/);
  const list = await wst(["list", "--root", ws.dir]);
  assert(!list.stderr.includes("\u001b]"), JSON.stringify(list.stderr));
  assertMatch(list.stderr, /load \\x1b\]52;c;Y2xpcA==\\x07/);
});
