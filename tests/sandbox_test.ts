// The hostile corpus: task modules in tests/hostile/ that each try to reach
// outside their declared scope. Each is installed as a local task in a fresh
// workspace and run through the real CLI; each must be refused with exit
// code 3 and an error naming the task, the operation and the scope.
//
// Each workspace is the folder `ws` inside a temporary folder of its own, so
// that what a task reaches at `<root>/..` belongs to that test alone.
import { assertEquals, assertMatch } from "./assert.ts";
import { type TempWorkspace, workspace, wst } from "./_cli.ts";

const HOSTILE = new URL("./hostile/", import.meta.url);

/** A temporary folder holding the workspace `root` (its folder `ws`) and nothing else. */
interface HostileWorkspace extends TempWorkspace {
  readonly root: string;
}

async function withHostileTask(
  file: string,
  edit: (source: string) => string = (source) => source,
): Promise<HostileWorkspace> {
  const source = edit(await Deno.readTextFile(new URL(file, HOSTILE)));
  const outer = await workspace({
    [`ws/.wst/tasks/${file}`]: source,
    "ws/README.md": "workspace\n",
  });
  return Object.assign(outer, { root: `${outer.dir}/ws` });
}

/** The entries of a folder, sorted. */
async function entries(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir), (entry) => entry.name)).sort();
}

const cases: Array<{ file: string; task: string; operation: RegExp }> = [
  {
    file: "read_outside.ts",
    task: "read-outside",
    operation: /^read access to "\/etc\/hostname"$/,
  },
  {
    file: "write_outside.ts",
    task: "write-outside",
    operation: /^write access to ".*escaped\.txt"$/,
  },
  { file: "read_env.ts", task: "read-env", operation: /^env access to "HOME"$/ },
  { file: "open_socket.ts", task: "open-socket", operation: /^net access to "127\.0\.0\.1:9"$/ },
  { file: "run_binary.ts", task: "run-binary", operation: /^run access to "ls"$/ },
  { file: "shell_without_binaries.ts", task: "shell-without-binaries", operation: /run access/ },
  {
    file: "request_permission.ts",
    task: "request-permission",
    operation: /^read access to "\/etc\/hostname"$/,
  },
  { file: "load_ffi.ts", task: "load-ffi", operation: /^ffi access/ },
  {
    file: "import_remote.ts",
    task: "import-remote",
    operation: /^import access to "127\.0\.0\.1:1"$/,
  },
  {
    file: "import_local_outside.ts",
    task: "import-local-outside",
    operation: /^read access to ".*outside\.ts"$/,
  },
  { file: "run_sys.ts", task: "run-sys", operation: /^sys access to "hostname"$/ },
];

for (const { file, task, operation } of cases) {
  Deno.test(`sandbox refuses ${file.replace(".ts", "")}: exit 3 naming task, operation and scope`, async () => {
    await using ws = await withHostileTask(file);
    const run = await wst([task, "--root", ws.root, "--json"]);
    assertEquals(run.code, 3, run.stderr);
    const { error } = JSON.parse(run.stdout);
    assertEquals(error.kind, "sandbox-denied");
    assertEquals(error.task, task);
    assertMatch(error.operation, operation);
    assertMatch(error.scope, /^read: .*, write: .*, run: .*, env: .*, net: .*$/);
    assertMatch(run.stderr, new RegExp(`Task "${task}" was refused`));
  });
}

Deno.test("sandbox: a module reading files at load time is described with no permissions and left out", async () => {
  await using ws = await withHostileTask("toplevel_read.ts");
  const run = await wst(["list", "--root", ws.root, "--json"]);
  assertEquals(run.code, 0, run.stderr);
  const listed = JSON.parse(run.stdout);
  assertEquals(listed.tasks.some((t: { name: string }) => t.name === "toplevel-read"), false);
  assertEquals(listed.problems.length, 1);
  assertEquals(listed.problems[0].file, ".wst/tasks/toplevel_read.ts");
  assertMatch(listed.problems[0].message, /read access to "\/etc\/hostname"/);
});

Deno.test("sandbox: a write outside the scope is refused and leaves nothing behind", async () => {
  await using ws = await withHostileTask("write_outside.ts");
  const run = await wst(["write-outside", "--root", ws.root]);
  assertEquals(run.code, 3, run.stderr);
  // The task writes <root>/../escaped.txt: the test's own folder holds the workspace only.
  assertEquals(await entries(ws.dir), ["ws"]);
  assertEquals(await entries(ws.root), [".wst", "README.md"]);
});

Deno.test("sandbox: the escape probe sees the same write when it is declared", async () => {
  // The control for the test above: granted the file, the task writes it where the probe looks.
  await using ws = await withHostileTask(
    "write_outside.ts",
    (source) => source.replace(`write: ["out"]`, `write: ["../escaped.txt"]`),
  );
  // There already: confined, a path outside the root that is not there yet would get its folder
  // only if that folder held nothing else (this one holds the workspace).
  await Deno.writeTextFile(`${ws.dir}/escaped.txt`, "");
  const run = await wst(["write-outside", "--root", ws.root, "--json"]);
  assertEquals(run.code, 0, run.stderr);
  assertEquals(await entries(ws.dir), ["escaped.txt", "ws"]);
  assertEquals(await Deno.readTextFile(`${ws.dir}/escaped.txt`), "x");
});

Deno.test("sandbox: declared permissions are granted (read, write, env, run through ctx.$)", async () => {
  await using ws = await workspace({
    "input.txt": "hello\n",
    ".wst/tasks/allowed.ts": `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "allowed",
  description: "Uses exactly what it declares",
  args: z.object({ word: z.string().default("x") }),
  permissions: { read: ["input.txt"], write: ["out"], env: ["WST_TEST_VALUE"], run: ["git"] },
  async run(ctx, args) {
    const text = await Deno.readTextFile(ctx.root + "/input.txt");
    await Deno.mkdir(ctx.root + "/out", { recursive: true });
    await Deno.writeTextFile(ctx.root + "/out/result.txt", text + args.word);
    const version = await ctx.$\`git --version\`.text();
    return { text, env: Deno.env.get("WST_TEST_VALUE"), git: version.startsWith("git version") };
  },
});
`,
  });
  const run = await wst(["allowed", "--word", "!", "--root", ws.dir, "--json"], {
    env: { WST_TEST_VALUE: "seen" },
  });
  assertEquals(run.code, 0, run.stderr);
  assertEquals(JSON.parse(run.stdout), { text: "hello\n", env: "seen", git: true });
  assertEquals(await Deno.readTextFile(`${ws.dir}/out/result.txt`), "hello\n!");
});

Deno.test('sandbox: a binary outside the declared list is refused by ctx.$ (exit 3, not "command not found")', async () => {
  await using ws = await workspace({
    ".wst/tasks/sneaky.ts": `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "sneaky",
  description: "Declares git, runs ls through the shell",
  args: z.object({}),
  permissions: { run: ["git"] },
  run: async (ctx) => await ctx.$\`ls /\`.text(),
});
`,
  });
  const run = await wst(["sneaky", "--root", ws.dir, "--json"]);
  assertEquals(run.code, 3, run.stderr);
  const { error } = JSON.parse(run.stdout);
  assertEquals([error.kind, error.task], ["sandbox-denied", "sneaky"]);
  assertMatch(error.operation, /^run access to "ls"/);
});

Deno.test("sandbox: computed permissions: defaults without arguments, computed from given ones", async () => {
  await using ws = await workspace({
    "allowed.txt": "yes",
    "secret.txt": "no",
    ".wst/tasks/reader.ts": `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "reader",
  description: "Reads one file; --wide may read any",
  args: z.object({ file: z.string().default("allowed.txt"), wide: z.boolean().default(false) }),
  permissions: (a) => ({ read: a.wide ? ["."] : ["allowed.txt"] }),
  run: (ctx, a) => Deno.readTextFile(ctx.root + "/" + a.file),
});
`,
  });
  const described = await wst(["describe", "reader", "--root", ws.dir, "--json"]);
  assertEquals(described.code, 0, described.stderr);
  assertEquals(JSON.parse(described.stdout).defaultPermissions, { read: ["allowed.txt"] });

  const plain = await wst(["reader", "--root", ws.dir, "--json"]);
  assertEquals([plain.code, JSON.parse(plain.stdout)], [0, "yes"], plain.stderr);
  const refused = await wst(["reader", "--file", "secret.txt", "--root", ws.dir]);
  assertEquals(refused.code, 3, refused.stderr);
  assertMatch(refused.stderr, /secret\.txt/);
  const wide = await wst(["reader", "--file", "secret.txt", "--wide", "--root", ws.dir, "--json"]);
  assertEquals([wide.code, JSON.parse(wide.stdout)], [0, "no"], wide.stderr);
});
