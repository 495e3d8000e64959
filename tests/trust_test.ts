// Trust for what local tasks reach beyond their repository: approval before
// the first run, again when permissions grow, never for code edits; `wst
// trust`, `--trust`, `WST_TRUST=1`, `wst list`, a broken trust file, the prompt.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { type CliRun, workspace, wst, WST_PROGRAM } from "./_cli.ts";
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";
import { pathExists as exists } from "../lib/fs/read.ts";

/** A local task module declaring `permissions`, whose run returns `result`. */
function taskModule(name: string, permissions: string, result = `{ ran: true }`): string {
  return `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: ${JSON.stringify(name)},
  description: "A task for the trust tests",
  args: z.object({}),
  permissions: ${permissions},
  run: () => (${result}),
});
`;
}

const REACHES_OUT = `{ env: ["HOME"], read: ["../outside.txt", "inside.txt"] }`;

/** The environment of a trust test: its own state folder, and no blanket trust. */
async function stateHome(): Promise<
  { dir: string; env: Record<string, string> } & AsyncDisposable
> {
  const dir = await Deno.makeTempDir({ prefix: "wst-trust-state-" });
  return {
    dir,
    env: { XDG_STATE_HOME: dir, WST_TRUST: "0" },
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

function json(run: CliRun): Record<string, unknown> {
  return JSON.parse(run.stdout);
}

Deno.test("a local task reaching beyond its root is refused (exit 3, the wst trust command) until it is approved", async () => {
  await using state = await stateHome();
  await using ws = await workspace({ ".wst/tasks/reach.ts": taskModule("reach", REACHES_OUT) });
  const args = ["reach", "--root", ws.dir];

  const refused = await wst(args, { env: state.env });
  assertEquals(refused.code, 3, refused.stderr);
  assertEquals(refused.stdout, "");
  const command = `${WST_PROGRAM} trust reach --root ${ws.dir}`;
  assert(refused.stderr.includes(command), refused.stderr);
  assertMatch(refused.stderr, /\.wst\/tasks\/reach\.ts\) reaches beyond the repository/);
  assertMatch(refused.stderr, /env: \["HOME"\]/);

  const asJson = await wst([...args, "--json"], { env: state.env });
  assertEquals(asJson.code, 3);
  const error = json(asJson).error as Record<string, unknown>;
  assertEquals(error.kind, "trust-required");
  assertEquals(error.exitCode, 3);
  assertEquals(error.task, "reach");
  assertEquals(error.file, ".wst/tasks/reach.ts");
  assertEquals(error.command, command);
  assertEquals(error.grown, false);
  const parent = ws.dir.slice(0, ws.dir.lastIndexOf("/"));
  assertEquals(error.needs, { read: [`${parent}/outside.txt`], env: ["HOME"] });

  const trust = await wst(["trust", "reach", "--root", ws.dir], { env: state.env });
  assertEquals(trust.code, 0, trust.stderr);
  assertMatch(trust.stdout, /approved reach: read: \[".*\/outside\.txt"\], env: \["HOME"\]/);

  const ran = await wst([...args, "--json"], { env: state.env });
  assertEquals(ran.code, 0, ran.stderr);
  assertEquals(json(ran), { ran: true });
  // The approval lives in the user's state folder, never in the repository.
  assert(await exists(`${state.dir}/wst/trust.json`));
  assertEquals(await exists(`${ws.dir}/.wst/trust.json`), false);
  const file = JSON.parse(await Deno.readTextFile(`${state.dir}/wst/trust.json`));
  assertEquals(Object.keys(file.roots), [ws.dir]);
  assertEquals(file.roots[ws.dir].reach.reach.env, ["HOME"]);
});

Deno.test("growing a task's permissions asks again, naming only what is new; editing its code does not", async () => {
  await using state = await stateHome();
  await using ws = await workspace({ ".wst/tasks/reach.ts": taskModule("reach", REACHES_OUT) });
  const args = ["reach", "--root", ws.dir, "--json"];
  assertEquals((await wst(["trust", "reach", "--root", ws.dir], { env: state.env })).code, 0);

  // New code, same permissions (and one path inside the root more): no question.
  await Deno.writeTextFile(
    `${ws.dir}/.wst/tasks/reach.ts`,
    taskModule("reach", `{ env: ["HOME"], read: ["../outside.txt", "more"] }`, `{ edited: 1 }`),
  );
  const edited = await wst(args, { env: state.env });
  assertEquals(edited.code, 0, edited.stderr);
  assertEquals(json(edited), { edited: 1 });

  // One more variable and a host: refused again, with only those as what needs approval.
  await Deno.writeTextFile(
    `${ws.dir}/.wst/tasks/reach.ts`,
    taskModule(
      "reach",
      `{ env: ["HOME", "TOKEN"], read: ["../outside.txt"], net: ["x.test:443"] }`,
    ),
  );
  const grown = await wst(args, { env: state.env });
  assertEquals(grown.code, 3, grown.stderr);
  const error = json(grown).error as Record<string, unknown>;
  assertEquals(error.grown, true);
  assertEquals(error.needs, { env: ["TOKEN"], net: ["x.test:443"] });
  assertMatch(grown.stderr, /reaches further beyond the repository than you approved/);

  const list = await wst(["list", "--root", ws.dir, "--json"], { env: state.env });
  const tasks = json(list).tasks as { name: string; trust: string }[];
  assertEquals(tasks.find((t) => t.name === "reach")?.trust, "grown");

  assertEquals((await wst(["trust", "reach", "--root", ws.dir], { env: state.env })).code, 0);
  assertEquals((await wst(args, { env: state.env })).code, 0);

  // Shrinking back needs nothing: the approval covers a subset.
  await Deno.writeTextFile(
    `${ws.dir}/.wst/tasks/reach.ts`,
    taskModule("reach", `{ net: ["x.test:443"] }`),
  );
  assertEquals((await wst(args, { env: state.env })).code, 0);
});

Deno.test("--trust and WST_TRUST=1 run an unapproved task without recording anything", async () => {
  await using state = await stateHome();
  await using ws = await workspace({ ".wst/tasks/reach.ts": taskModule("reach", REACHES_OUT) });
  const flag = await wst(["reach", "--root", ws.dir, "--trust", "--json"], { env: state.env });
  assertEquals(flag.code, 0, flag.stderr);
  assertEquals(json(flag), { ran: true });
  const env = await wst(["reach", "--root", ws.dir], { env: { ...state.env, WST_TRUST: "1" } });
  assertEquals(env.code, 0, env.stderr);
  assertEquals(await exists(`${state.dir}/wst/trust.json`), false);
  // Still unapproved afterwards.
  assertEquals((await wst(["reach", "--root", ws.dir], { env: state.env })).code, 3);
});

Deno.test("a local task whose permissions stay inside its root runs without approval", async () => {
  await using state = await stateHome();
  await using ws = await workspace({
    ".wst/tasks/inside.ts": taskModule(
      "inside",
      `{ read: ["data", "./sub/../x.txt"], write: ["out"], tasks: ["other"] }`,
    ),
  });
  const run = await wst(["inside", "--root", ws.dir, "--json"], { env: state.env });
  assertEquals(run.code, 0, run.stderr);
  assertEquals(json(run), { ran: true });
  assertEquals(await exists(`${state.dir}/wst`), false);
});

Deno.test("a path inside the root that is a link to outside it is refused, not offered for approval", async () => {
  // An approval of it could never be honoured: the sandbox refuses such a path before the task
  // starts. So wst does not ask; the run is a sandbox denial naming the link.
  await using state = await stateHome();
  await using ws = await workspace({
    ".wst/tasks/link.ts": taskModule("link", `{ read: ["escape/secrets"] }`),
  });
  await Deno.symlink(state.dir, `${ws.dir}/escape`);
  const run = await wst(["link", "--root", ws.dir, "--json"], { env: state.env });
  assertEquals(run.code, 3, run.stderr);
  const error = json(run).error as { kind: string; operation: string };
  assertEquals(error.kind, "sandbox-denied");
  assertMatch(error.operation, /a symbolic link to .*outside the root/);
});

Deno.test("wst list shows each task's trust state, in the table and in --json", async () => {
  await using state = await stateHome();
  await using ws = await workspace({
    ".wst/tasks/approved.ts": taskModule("approved", `{ net: ["example.com"] }`),
    ".wst/tasks/unapproved.ts": taskModule("unapproved", `{ run: ["git"] }`),
    ".wst/tasks/inside.ts": taskModule("inside", `{ read: ["."] }`),
  });
  assertEquals((await wst(["trust", "approved", "--root", ws.dir], { env: state.env })).code, 0);
  const table = await wst(["list", "--root", ws.dir], { env: state.env });
  assertEquals(table.code, 0, table.stderr);
  assertMatch(table.stdout, /^TASK +SOURCE +TRUST +DESCRIPTION$/m);
  assertMatch(table.stdout, /^approved +local +approved +A task/m);
  assertMatch(table.stdout, /^unapproved +local +needs approval +A task/m);
  assertMatch(table.stdout, /^inside +local +not needed +A task/m);
  assertMatch(table.stdout, /^validate-config +built-in +built-in +Check/m);
  const doc = json(await wst(["list", "--root", ws.dir, "--json"], { env: state.env }));
  const trust = Object.fromEntries(
    (doc.tasks as { name: string; trust: string }[]).map((t) => [t.name, t.trust]),
  );
  assertEquals(
    [trust.approved, trust.unapproved, trust.inside, trust["init"]],
    ["approved", "needs approval", "not needed", "built-in"],
  );
});

Deno.test("a broken trust file is an error naming it (exit 2), left as it was; --reset moves it aside", async () => {
  await using state = await stateHome();
  await using ws = await workspace({ ".wst/tasks/reach.ts": taskModule("reach", REACHES_OUT) });
  const path = `${state.dir}/wst/trust.json`;
  await Deno.mkdir(`${state.dir}/wst`);
  await Deno.writeTextFile(path, `{"version": 1, "roots": {"/x": []}`);
  for (const args of [["reach"], ["trust", "reach"], ["list"]]) {
    const run = await wst([...args, "--root", ws.dir, "--json"], { env: state.env });
    assertEquals(run.code, 2, `${args}: ${run.stderr}`);
    const error = json(run).error as { kind: string; message: string };
    assertEquals(error.kind, "config");
    assert(error.message.startsWith(`${path}: Invalid JSON`), error.message);
    assertMatch(run.stderr, /wst trust --reset/);
  }
  await Deno.writeTextFile(path, `{"version": 1, "roots": {"/x": []}}`);
  const shape = await wst(["reach", "--root", ws.dir], { env: state.env });
  assertEquals(shape.code, 2);
  assertMatch(shape.stderr, /trust\.json: roots\["\/x"\]: Expected an object of tasks/);
  assertEquals(await Deno.readTextFile(path), `{"version": 1, "roots": {"/x": []}}`);

  const reset = await wst(["trust", "--reset", "--root", ws.dir, "--json"], { env: state.env });
  assertEquals(reset.code, 0, reset.stderr);
  const movedTo = json(reset).movedTo as string;
  assertEquals(await Deno.readTextFile(movedTo), `{"version": 1, "roots": {"/x": []}}`);
  assertEquals(await exists(path), false);
  assertEquals((await wst(["trust", "reach", "--root", ws.dir], { env: state.env })).code, 0);
});

Deno.test("runs approving at once all keep their approvals (lock, re-read, merge, rename)", async () => {
  await using state = await stateHome();
  const names = ["one", "two", "three", "four", "five", "six"];
  await using ws = await workspace(
    Object.fromEntries(
      names.map((
        n,
      ) => [`.wst/tasks/${n}.ts`, taskModule(n, `{ env: ["VAR_${n.toUpperCase()}"] }`)]),
    ),
  );
  const runs = await Promise.all(
    names.map((n) => wst(["trust", n, "--root", ws.dir], { env: state.env })),
  );
  for (const run of runs) assertEquals(run.code, 0, run.stderr);
  const file = JSON.parse(await Deno.readTextFile(`${state.dir}/wst/trust.json`));
  assertEquals(Object.keys(file.roots[ws.dir]).sort(), [...names].sort());
  assertEquals(await exists(`${state.dir}/wst/trust.json.lock`), false);
});

Deno.test("wst trust --list shows approvals; --revoke removes one, and the task is refused again", async () => {
  await using state = await stateHome();
  await using ws = await workspace({ ".wst/tasks/reach.ts": taskModule("reach", REACHES_OUT) });
  assertEquals((await wst(["trust", "reach", "--root", ws.dir], { env: state.env })).code, 0);
  const list = await wst(["trust", "--list", "--json"], { env: state.env });
  assertEquals(list.code, 0, list.stderr);
  const approvals = json(list).approvals as { root: string; task: string }[];
  assertEquals(approvals.map((a) => [a.root, a.task]), [[ws.dir, "reach"]]);
  const revoke = await wst(["trust", "--revoke", "reach", "--root", ws.dir], { env: state.env });
  assertEquals(revoke.code, 0, revoke.stderr);
  assertMatch(revoke.stdout, /revoked reach/);
  assertEquals((await wst(["reach", "--root", ws.dir], { env: state.env })).code, 3);
  const builtin = await wst(["trust", "validate-config", "--root", ws.dir], { env: state.env });
  assertMatch(builtin.stdout, /built-in: it never needs approval/);
});

Deno.test("a subtask started with ctx.runTask needs its own approval", async () => {
  await using state = await stateHome();
  await using ws = await workspace({
    ".wst/tasks/parent.ts": `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "parent",
  description: "Starts child",
  args: z.object({}),
  permissions: { tasks: ["child"], env: ["HOME"] },
  run: (ctx) => ctx.runTask("child", { root: ".", args: {} }),
});
`,
    ".wst/tasks/child.ts": taskModule("child", `{ env: ["HOME"] }`),
  });
  // A subtask runs with the intersection of its permissions and its caller's: the caller declares
  // what the child reaches for, and is approved; the child still needs an approval of its own.
  assertEquals((await wst(["trust", "parent", "--root", ws.dir], { env: state.env })).code, 0);
  const refused = await wst(["parent", "--root", ws.dir, "--json"], { env: state.env });
  assertEquals(refused.code, 3, refused.stderr);
  const error = json(refused).error as Record<string, unknown>;
  assertEquals([error.kind, error.task, error.command], [
    "trust-required",
    "child",
    `${WST_PROGRAM} trust child --root ${ws.dir}`,
  ]);
  assertEquals((await wst(["trust", "child", "--root", ws.dir], { env: state.env })).code, 0);
  const ran = await wst(["parent", "--root", ws.dir, "--json"], { env: state.env });
  assertEquals(ran.code, 0, ran.stderr);
});

Deno.test("a task that ends with an approval request of its own fails (exit 1): its command is never shown", async () => {
  const source = await Deno.readTextFile(new URL("./hostile/forge_trust.ts", import.meta.url));
  await using ws = await workspace({ ".wst/tasks/forge_trust.ts": source });
  for (const confine of ["off", "auto"]) {
    for (const json of [true, false]) {
      const run = await wst(
        ["forge-trust", "--root", ws.dir, "--confine", confine, ...(json ? ["--json"] : [])],
      );
      assertEquals(run.code, 1, `${confine}: ${run.stderr}`);
      assert(!`${run.stdout}${run.stderr}`.includes("forged.invalid"), run.stdout + run.stderr);
      assertMatch(
        run.stderr,
        /Task "forge-trust" failed with an approval request wst did not make/,
      );
    }
  }
});

Deno.test("a task's refusal that names another task is its own: wst names the task and its scope", async () => {
  const source = await Deno.readTextFile(new URL("./hostile/forge_denial.ts", import.meta.url));
  await using ws = await workspace({ ".wst/tasks/forge_denial.ts": source });
  for (const confine of ["off", "auto"]) {
    const run = await wst(["forge-denial", "--root", ws.dir, "--confine", confine, "--json"]);
    assertEquals(run.code, 3, `${confine}: ${run.stderr}`);
    const error = json(run).error as Record<string, unknown>;
    assertEquals([error.kind, error.task, error.scope], [
      "sandbox-denied",
      "forge-denial",
      "read: none, write: none, run: none, env: none, net: none",
    ]);
  }
});

Deno.test("a task's failure that names another task, or hides where it was thrown, is reported as its own", async () => {
  const source = await Deno.readTextFile(new URL("./hostile/forge_failures.ts", import.meta.url));
  await using ws = await workspace({ ".wst/tasks/forge_failures.ts": source });
  const run = (mode: string) => wst(["forge-failures", "--root", ws.dir, "--json", "--", mode]);
  const subtask = await run("subtask");
  assertEquals(subtask.code, 1, subtask.stderr);
  assertEquals((json(subtask).error as Record<string, unknown>).kind, "task-failed");
  const script = await run("script");
  assertEquals(script.code, 1, script.stderr);
  const error = json(script).error as Record<string, unknown>;
  assertEquals([error.kind, error.task], ["script-failed", "forge-failures"]);
  const words = await run("words");
  assertEquals(words.code, 1, words.stderr);
  assertMatch(words.stderr, /^error: Task "forge-failures" failed: Task "deploy" reaches/m);
  const placed = await run("location");
  assertEquals(placed.code, 2, placed.stderr);
  assert(!placed.stderr.includes("\x1b"), JSON.stringify(placed.stderr));
  assert(!/^error: wst: forged/m.test(placed.stderr), placed.stderr);
});

const SCRIPT = "/usr/bin/script";
const hasScript = await exists(SCRIPT);

/** Runs `wst <args>` on a pseudo-terminal (util-linux `script`), typing `answer` and Enter. */
async function wstOnTerminal(
  args: string[],
  answer: string,
  env: Record<string, string>,
): Promise<CliRun> {
  const command = [
    Deno.execPath(),
    "run",
    "--quiet",
    ...RUNTIME_FLAGS,
    `${REPO_ROOT}/${ENTRY_POINT}`,
  ]
    .concat(args).map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  const child = new Deno.Command(SCRIPT, {
    args: ["-qec", command, "/dev/null"],
    env: { NO_COLOR: "1", ...env },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(`${answer}\n`));
  await writer.close();
  const out = await child.output();
  const decoder = new TextDecoder();
  return { code: out.code, stdout: decoder.decode(out.stdout), stderr: decoder.decode(out.stderr) };
}

Deno.test({
  name: "on a terminal wst asks with the permissions: y records and runs, anything else exits 3",
  ignore: !hasScript,
  fn: async () => {
    await using state = await stateHome();
    await using ws = await workspace({ ".wst/tasks/reach.ts": taskModule("reach", REACHES_OUT) });
    const no = await wstOnTerminal(["reach", "--root", ws.dir], "n", state.env);
    assertEquals(no.code, 3, no.stdout);
    assertMatch(no.stdout, /Task "reach" \("\.wst\/tasks\/reach\.ts" in ".*"\) reaches beyond/);
    assertMatch(no.stdout, /env +"HOME"/);
    assertMatch(no.stdout, /Run and remember\? \[y\/N\]/);
    // Asked and refused: it says so, and does not tell the user to go to a terminal.
    assert(
      no.stdout.includes(
        `Not approved: it did not run (to approve it later: ${WST_PROGRAM} trust reach`,
      ),
      no.stdout,
    );
    assertEquals(/on a terminal/.test(no.stdout), false);
    assertEquals(await exists(`${state.dir}/wst/trust.json`), false);

    const yes = await wstOnTerminal(["reach", "--root", ws.dir, "--json"], "y", state.env);
    assertEquals(yes.code, 0, yes.stdout);
    assertMatch(yes.stdout, /"ran": ?true/);
    assert(await exists(`${state.dir}/wst/trust.json`));
    // Remembered: no question the next time, even off a terminal.
    assertEquals((await wst(["reach", "--root", ws.dir], { env: state.env })).code, 0);
  },
});

Deno.test("hostile declare_outside: reads outside with --trust (what any run did before), refused without approval", async () => {
  await using state = await stateHome();
  const source = await Deno.readTextFile(new URL("./hostile/declare_outside.ts", import.meta.url));
  await using ws = await workspace({ ".wst/tasks/declare_outside.ts": source });
  const args = ["declare-outside", "--root", ws.dir, "--json"];
  const escaped = await wst([...args, "--trust"], { env: state.env });
  assertEquals(escaped.code, 0, escaped.stderr);
  const hostname = (await Deno.readTextFile("/etc/hostname")).trim();
  assertEquals((json(escaped) as { hostname: string }).hostname, hostname);

  const refused = await wst(args, { env: state.env });
  assertEquals(refused.code, 3, refused.stderr);
  const error = json(refused).error as Record<string, unknown>;
  assertEquals(error.kind, "trust-required");
  assertEquals(error.needs, { read: ["/etc/hostname"], env: ["HOME"] });
  assertEquals(refused.stdout.includes(`"hostname":`), false);
});

Deno.test("permissions from arguments: wst trust says it cannot, and the refusal offers no wst trust command", async () => {
  await using state = await stateHome();
  await using ws = await workspace({
    ".wst/tasks/argdep.ts": `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "argdep",
  description: "Reads the folder it is given",
  args: z.object({ dir: z.string() }),
  permissions: (args) => ({ read: [args.dir] }),
  run: () => ({ ran: true }),
});
`,
  });
  const trust = await wst(["trust", "argdep", "--root", ws.dir], { env: state.env });
  assertEquals(trust.code, 2, trust.stderr);
  assertMatch(trust.stderr, /Cannot approve "argdep" here: its permissions depend on arguments/);
  const list = json(await wst(["list", "--root", ws.dir, "--json"], { env: state.env }));
  const states = list.tasks as { name: string; trust: string }[];
  assertEquals(states.find((t) => t.name === "argdep")?.trust, "per run");

  const inside = await wst(["argdep", "--dir", "sub", "--root", ws.dir], { env: state.env });
  assertEquals(inside.code, 0, inside.stderr);
  const outside = await wst(["argdep", "--dir", "/etc", "--root", ws.dir, "--json"], {
    env: state.env,
  });
  assertEquals(outside.code, 3, outside.stderr);
  const error = json(outside).error as Record<string, unknown>;
  assertEquals([error.kind, error.command, error.needs], ["trust-required", null, {
    read: ["/etc"],
  }]);
  assertMatch(outside.stderr, /run the same command on a terminal to be asked/);
});

Deno.test("a graph asks for every approval before its first task runs: a dep never runs ahead of a refused task", async () => {
  await using state = await stateHome();
  await using ws = await workspace({
    ".wst/tasks/codegen.ts": `import { defineTask } from "@wst/wst";
export default defineTask({
  name: "codegen",
  description: "Writes gen.txt",
  permissions: { write: ["gen.txt"] },
  run: () => Deno.writeTextFile("gen.txt", "generated\\n"),
});
`,
    ".wst/tasks/needs.ts": taskModule("needs", REACHES_OUT).replace(
      "args: z.object({}),",
      'args: z.object({}),\n  deps: ["codegen"],',
    ),
  });
  const refused = await wst(["needs", "--root", ws.dir], { env: state.env });
  assertEquals(refused.code, 3, refused.stderr);
  assert(refused.stderr.includes(`${WST_PROGRAM} trust needs --root ${ws.dir}`), refused.stderr);
  assertEquals(await exists(`${ws.dir}/gen.txt`), false);
  const approved = await wst(["trust", "needs", "--root", ws.dir], { env: state.env });
  assertEquals(approved.code, 0, approved.stderr);
  const ran = await wst(["needs", "--root", ws.dir], { env: state.env });
  assertEquals(ran.code, 0, ran.stderr);
  assertEquals(await Deno.readTextFile(`${ws.dir}/gen.txt`), "generated\n");
});
