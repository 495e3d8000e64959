import { assertEquals, assertMatch } from "./assert.ts";
import { workspace, wst } from "./_cli.ts";

Deno.test("wst docs writes docs/tasks.md and AGENTS.md's task section; --check fails until then", async () => {
  const greet = `import { defineTask } from "@wst/wst";
import { z } from "zod";
export default defineTask({
  name: "greet",
  description: "Say hello",
  args: z.object({ name: z.string().default("world").describe("Who to greet") }),
  permissions: {},
  run: (_ctx, a) => ({ text: "hello " + a.name }),
});
`;
  await using ws = await workspace({
    ".wst/tasks/greet.ts": greet,
    "AGENTS.md": "# Agents\n\nOur rules.\n",
  });
  const stale = await wst(["docs", "--check", "--root", ws.dir, "--json"]);
  assertEquals(stale.code, 1);
  assertEquals(
    JSON.parse(stale.stdout).error.message,
    "Stale generated docs: docs/tasks.md, AGENTS.md (run `wst docs` to regenerate)",
  );
  assertEquals((await wst(["docs", "--root", ws.dir])).code, 0);
  assertEquals((await wst(["docs", "--check", "--root", ws.dir])).code, 0);
  const agents = await Deno.readTextFile(`${ws.dir}/AGENTS.md`);
  assertMatch(agents, /^# Agents\n\nOur rules\.\n\n## Tasks\n\n<!-- wst docs: tasks start/);
  assertMatch(agents, /\| `greet` +\| local +\| Say hello +\|/);
  assertMatch(
    await Deno.readTextFile(`${ws.dir}/docs/tasks.md`),
    /\| `--name` \| string \| `"world"` \| Who to greet \|/,
  );
});

Deno.test("wst docs never overwrites a docs/tasks.md it did not write", async () => {
  await using ws = await workspace({ "docs/tasks.md": "# Our own task notes\n" });
  const run = await wst(["docs", "--root", ws.dir]);
  assertEquals(run.code, 2, run.stderr);
  assertMatch(
    run.stderr,
    /Cannot write docs\/tasks\.md: it exists and was not written by `wst docs`/,
  );
  assertEquals(await Deno.readTextFile(`${ws.dir}/docs/tasks.md`), "# Our own task notes\n");
});

Deno.test("a task runs in its root: relative paths are the root's, as its permissions are", async () => {
  await using ws = await workspace({
    "data.txt": "hello\n",
    ".wst/tasks/read.ts": `import { defineTask } from "@wst/wst";
export default defineTask({
  name: "read-data",
  description: "Read data.txt",
  permissions: { read: ["."] },
  run: () => Deno.readTextFile("data.txt"),
});
`,
  });
  const run = await wst(["read-data", "--root", ws.dir, "--json"], { cwd: "/" });
  assertEquals(run.code, 0, run.stderr);
  assertEquals(JSON.parse(run.stdout), "hello\n");
});
