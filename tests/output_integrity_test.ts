// Output integrity: what a task prints cannot drive the terminal or the CI
// runner. Each hostile module of tests/hostile/output_*.ts and
// describe_controls.ts runs through the real CLI in a fresh workspace.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { type TempWorkspace, workspace, wst } from "./_cli.ts";
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";
import { confineSupport } from "../lib/sandbox/confine.ts";
import { escapeStream } from "../lib/reporter/mod.ts";

const support = confineSupport();
const noBwrap = support.bwrap === undefined;
const confinedSkip = noBwrap ? ` (skipped: ${support.reason})` : "";

const HOSTILE = new URL("./hostile/", import.meta.url);

async function withHostileTask(
  file: string,
  edit: (source: string) => string = (source) => source,
): Promise<TempWorkspace> {
  const source = edit(await Deno.readTextFile(new URL(file, HOSTILE)));
  return await workspace({ [`.wst/tasks/${file}`]: source });
}

/** Control characters a terminal acts on, other than colour (SGR), `\n`, `\t` and `\r\n`. */
function unsafeIn(text: string): string[] {
  // deno-lint-ignore no-control-regex
  const withoutColour = text.replace(/\x1b\[[0-9;]*m/g, "").replaceAll("\r\n", "\n");
  // deno-lint-ignore no-control-regex
  const unsafe = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
  return withoutColour.match(unsafe) ?? [];
}

Deno.test("a task's logs, progress and result reach the terminal with their control sequences escaped, colour kept", async () => {
  await using ws = await withHostileTask("output_osc52.ts");
  const run = await wst(["output-osc52", "--root", ws.dir]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(unsafeIn(run.stderr), []);
  assertEquals(unsafeIn(run.stdout), []);
  // Shown, as text, where they were.
  assertMatch(run.stderr, /^log \\x1b\]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07\\x1b\]0;owned\\x1b\\$/m);
  assertMatch(run.stderr, /^warning: all good\\x0dFAIL hidden\\x9b2J$/m);
  assertMatch(run.stderr, /^label \\x1b\]0;owned\\x1b\\ 1\/1 detail \\x1b\[2J\\x1b\[H$/m);
  assertMatch(run.stderr, /summary \\u202eevil\\u202c \\x1b\]52;c;/);
  assertEquals(
    run.stdout,
    "result \\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07\\x1b[2J\\x1b[H\x1b[31mred\x1b[0m \\u2066x\\u2069\n",
  );
});

Deno.test("a progress total that is not a count is not printed, confined or not", async () => {
  await using ws = await withHostileTask("output_progress_total.ts");
  for (const confine of ["off", "auto"]) {
    const run = await wst(["output-progress-total", "--root", ws.dir, "--confine", confine]);
    assertEquals(run.code, 0, run.stderr);
    assertEquals(unsafeIn(run.stderr), [], `${confine}: ${JSON.stringify(run.stderr)}`);
    assertMatch(run.stderr, /^step: 1 done$/m);
  }
});

Deno.test("--json keeps a task's text as data: C1 and bidi characters escaped in the JSON, the value unchanged", async () => {
  await using ws = await withHostileTask("output_osc52.ts");
  const run = await wst(["output-osc52", "--root", ws.dir, "--json"]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(unsafeIn(run.stdout), []);
  assertEquals(run.stdout.trimEnd().split("\n").length, 1);
  assertEquals(
    JSON.parse(run.stdout).text,
    "result \x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07\x1b[2J\x1b[H\x1b[31mred\x1b[0m \u2066x\u2069",
  );
});

/** The lines of `text` between `::stop-commands::<token>` and `::<token>::`, and those outside. */
function blocks(text: string): { tokens: string[]; inside: string[]; outside: string[] } {
  const tokens: string[] = [];
  const inside: string[] = [];
  const outside: string[] = [];
  let token: string | undefined;
  for (const line of text.split("\n")) {
    const start = /^::stop-commands::(.*)$/.exec(line);
    if (token === undefined && start) {
      token = start[1]!;
      tokens.push(token);
    } else if (token !== undefined && line === `::${token}::`) {
      token = undefined;
    } else (token === undefined ? outside : inside).push(line);
  }
  assertEquals(token, undefined, `a block is never closed:\n${text}`);
  return { tokens, inside, outside };
}

Deno.test("in GitHub Actions, everything a task prints runs inside ::stop-commands:: with a random token", async () => {
  await using ws = await withHostileTask("output_workflow_commands.ts");
  const env = { GITHUB_ACTIONS: "true" };
  const run = await wst(["output-workflow-commands", "--root", ws.dir], { env });
  assertEquals(run.code, 0, run.stderr);
  const stdout = blocks(run.stdout);
  const stderr = blocks(run.stderr);
  // Both streams are read by the runner: both have one block, with the same token.
  assertEquals(stdout.tokens.length, 1);
  assertEquals(stderr.tokens, stdout.tokens);
  assertMatch(stdout.tokens[0]!, /^[0-9a-f]{32}$/);
  for (const line of ["::add-mask::secret-value", "::error::pwned", "::error::loaded"]) {
    assert(stderr.inside.includes(line), `${line} not inside the block:\n${run.stderr}`);
  }
  assert(stderr.inside.some((line) => line.startsWith("::warning::progress")), run.stderr);
  // A child's stdout: wst's own stdout in-process; confined, the runner forwards it to stderr.
  assert(
    stdout.inside.includes("::error::child-stdout") ||
      stderr.inside.includes("::error::child-stdout"),
    `${run.stdout}\n${run.stderr}`,
  );
  assert(stdout.inside.includes("::set-output name=x::y"), run.stdout);
  assertEquals([...stdout.outside, ...stderr.outside].filter((l) => l.startsWith("::")), []);

  const again = await wst(["output-workflow-commands", "--root", ws.dir], { env });
  const token = blocks(again.stdout).tokens[0];
  assertMatch(token!, /^[0-9a-f]{32}$/);
  assert(token !== stdout.tokens[0], "the token is the same in two runs");
});

Deno.test("in GitHub Actions with --json, stdout is one JSON document and stderr holds the block", async () => {
  await using ws = await withHostileTask(
    "output_workflow_commands.ts",
    // A child writing to stdout would break the one JSON document: not this test's subject.
    (source) => source.replace(/^ {4}await new Deno\.Command.*$/m, ""),
  );
  const run = await wst(["output-workflow-commands", "--root", ws.dir, "--json"], {
    env: { GITHUB_ACTIONS: "true" },
  });
  assertEquals(run.code, 0, run.stderr);
  assertEquals(JSON.parse(run.stdout), "::set-output name=x::y");
  const stderr = blocks(run.stderr);
  assertEquals(stderr.tokens.length, 1);
  assert(stderr.inside.includes("::add-mask::secret-value"), run.stderr);
  assertEquals(stderr.outside.filter((l) => l.startsWith("::")), []);
});

Deno.test("in GitHub Actions, wst's own stdout (wst schema, to be redirected to a file) has no markers", async () => {
  const run = await wst(["schema", "workspaces"], { env: { GITHUB_ACTIONS: "true" } });
  assertEquals(run.code, 0, run.stderr);
  assertEquals(typeof JSON.parse(run.stdout), "object");
  assertEquals(blocks(run.stderr).tokens.length, 1);
});

Deno.test("in GitHub Actions, a task's error is inside the block and wst's own annotations come after it", async () => {
  await using ws = await workspace({
    ".wst/tasks/fails.ts": `import { defineTask } from "@wst/wst";
export default defineTask({
  name: "fails",
  description: "Fails with a workflow command in its message",
  run() { throw new Error("bad\\n::error::forged"); },
});
`,
    "bad/kustomization.yaml": "resources:\n  - nope.yaml\n",
  });
  const env = { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: `${ws.dir}/summary.md` };
  const failed = await wst(["fails", "--root", ws.dir], { env });
  assertEquals(failed.code, 1, failed.stderr);
  assert(blocks(failed.stderr).inside.includes("::error::forged"), failed.stderr);

  const checked = await wst(["validate-kustomizations", "--root", ws.dir, "--no-cache"], { env });
  assertEquals(checked.code, 1, checked.stderr);
  const { outside } = blocks(checked.stderr);
  assertEquals(
    outside.filter((l) => l.startsWith("::error file=bad/kustomization.yaml,title=bad")).length,
    1,
    checked.stderr,
  );
  // After the block: the last line is the annotation.
  assertMatch(checked.stderr.trimEnd().split("\n").at(-1)!, /^::error file=bad\/kustomization/);
});

Deno.test("a repository's task cannot write a workflow command after the block with ctx.annotate", async () => {
  await using ws = await workspace({
    ".wst/tasks/annotates.ts": `import { defineTask } from "@wst/wst";
export default defineTask({
  name: "annotates",
  description: "Calls ctx.annotate",
  run(ctx) { ctx.annotate?.("::add-mask::forged"); },
});
`,
  });
  const run = await wst(["annotates", "--root", ws.dir], { env: { GITHUB_ACTIONS: "true" } });
  assertEquals(run.code, 0, run.stderr);
  const { inside, outside } = blocks(run.stderr);
  assert(inside.includes("::add-mask::forged"), run.stderr);
  assertEquals(outside.filter((l) => l.startsWith("::")), []);
});

Deno.test("a child's output is escaped on its way through a pipe (escapeStream); in-process it is not", async () => {
  await using ws = await withHostileTask("output_child_controls.ts");
  // In-process (--confine off), the child shares wst's stderr and stdout: its bytes pass as they
  // are. This documents the limit the runner process removes.
  const run = await wst(["output-child-controls", "--root", ws.dir, "--confine", "off"]);
  assertEquals(run.code, 0, run.stderr);
  assert(run.stdout.includes("child \x1b]52;c;cHduZWQ=\x07"), run.stdout);
  // Through a pipe and escapeStream, as the runner forwards a child's output.
  const child = new Deno.Command("printf", {
    args: ["child \\033]52;c;cHduZWQ=\\007 \\033[2J \\033[32mok\\033[0m\\n"],
    stdout: "piped",
  }).spawn();
  const forwarded = await new Response(child.stdout.pipeThrough(escapeStream())).text();
  await child.status;
  assertEquals(forwarded, "child \\x1b]52;c;cHduZWQ=\\x07 \\x1b[2J \x1b[32mok\x1b[0m\n");
});

Deno.test(`a confined run's child output reaches stderr escaped${confinedSkip}`, {
  ignore: noBwrap,
}, async () => {
  await using ws = await withHostileTask("output_child_controls.ts");
  const run = await wst(["output-child-controls", "--root", ws.dir, "--confine", "require"]);
  assertEquals(run.code, 0, run.stderr);
  assert(run.stderr.includes("child \\x1b]52;c;cHduZWQ=\\x07 \\x1b[2J"), run.stderr);
  assertEquals(unsafeIn(run.stderr + run.stdout), []);
});

Deno.test("control characters in an argument's description make the task a definition error (exit 2) naming module and field", async () => {
  await using ws = await withHostileTask("describe_controls.ts");
  const list = await wst(["list", "--root", ws.dir, "--json"]);
  assertEquals(list.code, 0, list.stderr);
  const { tasks, problems } = JSON.parse(list.stdout);
  assertEquals(tasks.some((t: { name: string }) => t.name === "describe-controls"), false);
  assertEquals(problems.length, 1);
  assertEquals(problems[0].file, ".wst/tasks/describe_controls.ts");
  assertEquals(problems[0].kind, "task-definition");
  assertMatch(problems[0].message, /^args\.target\.description: Expected text with no control/);

  const run = await wst(["describe-controls", "--root", ws.dir]);
  assertEquals(run.code, 2, run.stderr);
  assertMatch(run.stderr, /\.wst\/tasks\/describe_controls\.ts: args\.target\.description: /);
  assertEquals(unsafeIn(run.stderr), []);
  assertEquals(run.stdout, "");
});

Deno.test("a bidi override in a task's description makes it a definition error naming module and field", async () => {
  await using ws = await withHostileTask(
    "describe_controls.ts",
    (source) =>
      source
        .replace(`"The target\\x1b]52;c;cHduZWQ=\\x07"`, `"The target"`)
        .replace(`"Hostile: control characters in descriptions"`, `"Safe \\u202eevil"`),
  );
  const list = await wst(["list", "--root", ws.dir, "--json"]);
  const { problems } = JSON.parse(list.stdout);
  assertEquals(problems.length, 1, list.stdout);
  assertMatch(problems[0].message, /^description: Expected one non-empty line .* bidi overrides/);
  const run = await wst(["describe-controls", "--root", ws.dir]);
  assertEquals(run.code, 2, run.stderr);
  assertMatch(run.stderr, /\.wst\/tasks\/describe_controls\.ts: description: /);
});

Deno.test("in GitHub Actions, a task's error cannot end the block early: one end marker per stream, after everything", async () => {
  // The runner keeps one stop-commands state for stdout and stderr: an end marker on stdout
  // written before the error (on stderr) would let the error's lines run as workflow commands.
  await using ws = await workspace({
    ".wst/tasks/forge.ts": `import { defineTask } from "@wst/wst";
export default defineTask({
  name: "forge",
  description: "Fails with workflow commands in its message",
  run() {
    throw new Error("failed\\n::error title=Forged::injected\\n::add-mask::x");
  },
});
`,
  });
  // Both streams into one pipe, in the order wst wrote them (as \`2>&1\` would).
  const script = `exec "$0" run --quiet ${RUNTIME_FLAGS.join(" ")} "${REPO_ROOT}/${ENTRY_POINT}" ` +
    `forge --root "$1" 2>&1`;
  const out = await new Deno.Command("sh", {
    args: ["-c", script, Deno.execPath(), ws.dir],
    env: { NO_COLOR: "1", GITHUB_ACTIONS: "true", WST_TRUST: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(out.code, 1, new TextDecoder().decode(out.stderr));
  const merged = new TextDecoder().decode(out.stdout);
  // One state for both streams, as the runner keeps it.
  // (The second stream's end marker comes after the block ended: a command the runner ignores.)
  let token: string | undefined;
  let ended: string | undefined;
  const executed: string[] = [];
  for (const line of merged.split("\n")) {
    const start = /^::stop-commands::(.*)$/.exec(line);
    if (token === undefined && start) token = start[1];
    else if (token !== undefined && line === `::${token}::`) [ended, token] = [line, undefined];
    else if (token === undefined && line.startsWith("::") && line !== ended) executed.push(line);
  }
  assertEquals(executed, [], merged);
  assert(merged.includes("::error title=Forged::injected"), merged);
});
