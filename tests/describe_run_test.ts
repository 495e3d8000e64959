// What `wst describe <task> [args…]` prints is what a run with those arguments gets: both compute
// the permissions with the same function, in a worker that sees nothing but the arguments.
import { assertEquals, assertMatch } from "./assert.ts";
import { workspace, wst } from "./_cli.ts";
import { describeScope } from "../lib/task/scope.ts";

const HOSTILE = new URL("./hostile/", import.meta.url);

/** A task whose read permission is its `--dir` argument (a path), and which reads `--file`. */
const READER = `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "reader",
  description: "Reads a file under the folder it is given",
  args: z.object({
    dir: z.string().meta({ format: "path" }),
    file: z.string().meta({ format: "path" }),
  }),
  permissions: (a) => ({ read: [a.dir] }),
  run: async (ctx, a) => await Deno.readTextFile(a.file.startsWith("/") ? a.file : ctx.root + "/" + a.file),
});
`;

Deno.test("describe <task> [args…] prints the permissions the run with those arguments gets", async () => {
  await using ws = await workspace({
    ".wst/tasks/reader.ts": READER,
    "docs/a.txt": "a\n",
    "secret/b.txt": "b\n",
  });
  // Relative path arguments resolve against the folder wst runs in, for describe as for the run
  // (INIT_CWD: under deno task and npm test, it is the folder wst counts as the user's).
  const cwd = `${ws.dir}/docs`;
  const where = { cwd, env: { INIT_CWD: cwd } };
  const described = await wst(
    ["describe", "reader", "--dir", ".", "--file", "../secret/b.txt", "--root", ws.dir, "--json"],
    where,
  );
  assertEquals(described.code, 0, described.stderr);
  const { run } = JSON.parse(described.stdout);
  assertEquals(run, {
    args: { dir: "docs", file: "secret/b.txt" },
    permissions: { read: ["docs"] },
  });

  const ran = await wst(
    ["reader", "--dir", ".", "--file", "../secret/b.txt", "--root", ws.dir, "--json", "--verbose"],
    where,
  );
  assertEquals(ran.code, 3, ran.stderr);
  const { error } = JSON.parse(ran.stdout);
  assertEquals(error.operation, `read access to "${ws.dir}/secret/b.txt"`);
  // The scope the run was refused under, and the line --verbose prints as it starts, are describe's.
  assertEquals(error.scope, describeScope(run.permissions));
  assertMatch(ran.stderr, new RegExp(`^debug: reader runs with ${escape(error.scope)}$`, "m"));

  const text = await wst(["describe", "reader", "--dir", "docs", "--file", "x", "--root", ws.dir], {
    cwd: ws.dir,
    env: { INIT_CWD: ws.dir },
  });
  assertEquals(text.code, 0, text.stderr);
  assertMatch(
    text.stdout,
    /^permissions of a run with \{"dir":"docs","file":"x"\}: read: \[docs\], write: none/m,
  );
});

Deno.test("describe <task> with bad arguments fails as the run does (exit 2)", async () => {
  await using ws = await workspace({ ".wst/tasks/reader.ts": READER });
  const described = await wst(["describe", "reader", "--file", "x", "--root", ws.dir, "--json"]);
  assertEquals(described.code, 2, described.stderr);
  const message = JSON.parse(described.stdout).error.message;
  assertMatch(message, /--dir is required/);
  const ran = await wst(["reader", "--file", "x", "--root", ws.dir, "--json"]);
  assertEquals(ran.code, 2, ran.stderr);
  assertMatch(JSON.parse(ran.stdout).error.message, /flag --dir/);
});

Deno.test("sandbox refuses permissions-from-argv: permissions see no command line, clock or randomness, so the run gets what describe shows", async () => {
  await using ws = await workspace({
    ".wst/tasks/permissions_from_argv.ts": await Deno.readTextFile(
      new URL("permissions_from_argv.ts", HOSTILE),
    ),
  });
  const describe = async (args: string[]) => {
    const out = await wst([
      "describe",
      "permissions-from-argv",
      ...args,
      "--root",
      ws.dir,
      "--json",
    ]);
    assertEquals(out.code, 0, out.stderr);
    return JSON.parse(out.stdout).run.permissions;
  };
  const described = await describe(["--label", "y"]);
  // Two processes, two computations: the same permissions.
  assertEquals(await describe(["--label", "y"]), described);
  assertEquals(described.read, ["."]);
  // Without arguments too (the defaults, computed when the task is described).
  assertEquals((await describe([])).read, ["."]);

  for (const args of [["--label", "y"], []]) {
    const run = await wst(["permissions-from-argv", ...args, "--root", ws.dir, "--json"]);
    assertEquals(run.code, 3, `${run.stdout}\n${run.stderr}`);
    const { error } = JSON.parse(run.stdout);
    assertEquals(error.task, "permissions-from-argv");
    assertEquals(error.operation, 'read access to "/etc/hostname"');
    assertEquals(error.scope, describeScope(described));
  }
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

Deno.test("describe without a task is a usage error; with --json, one JSON document", async () => {
  const run = await wst(["describe", "--json"]);
  assertEquals(run.code, 2, run.stderr);
  assertEquals(JSON.parse(run.stdout).error.kind, "usage");
  const help = await wst(["describe", "--help"]);
  assertEquals(help.code, 0, help.stderr);
  assertMatch(help.stdout, /^ {2}wst describe validate-config \[--strict\]/m);
});
