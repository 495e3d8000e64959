// Listing many local task modules (issue #14, speed and memory): every module
// is described once, by one inspection child whose workers are bounded, and
// cached (docs/adr/0010). Whatever the count, `wst list` lists every good task,
// names every broken module, and gives the same answer warm as cold; a change
// to one module shows at the next listing.
import { assert, assertEquals, assertMatch } from "./assert.ts";
import { workspace, wst } from "./_cli.ts";

const GOOD = 30;

const task = (i: number, description = `Local task ${i}`) =>
  `import { defineTask } from "@wst/wst";\nimport { z } from "zod";\n` +
  `export default defineTask({ name: "task-${i}", description: ${JSON.stringify(description)}, ` +
  `args: z.object({ count: z.number().default(${i}) }), permissions: {}, run: () => ${i} });\n`;

const BROKEN = {
  ".wst/tasks/broken_syntax.ts": "export default {{;\n",
  ".wst/tasks/broken_name.ts": `import { defineTask } from "@wst/wst";\n` +
    `export default defineTask({ name: "Not Kebab", description: "Bad name", run: () => 1 });\n`,
  ".wst/tasks/broken_throw.ts": `throw new Error("refuses to load");\n`,
};

interface Listed {
  tasks: { name: string; description: string; source: string }[];
  problems: { file: string; message: string; kind: string }[];
}

Deno.test(`wst list with ${GOOD} modules and 3 broken ones lists every good task and names each broken one, cold and warm alike; a changed module shows at once`, async () => {
  const files: Record<string, string> = { ...BROKEN };
  for (let i = 0; i < GOOD; i++) files[`.wst/tasks/task_${i}.ts`] = task(i);
  await using ws = await workspace(files);
  const env = { WST_CACHE_DIR: `${ws.dir}/.cache-of-this-test` };
  const list = async (): Promise<Listed> => {
    const run = await wst(["list", "--root", ws.dir, "--json"], { env });
    assertEquals(run.code, 0, run.stderr);
    return JSON.parse(run.stdout);
  };
  const local = (listed: Listed) =>
    listed.tasks.filter((t) => t.source === "local").map((t) => t.name).sort();
  const expected = Array.from({ length: GOOD }, (_, i) => `task-${i}`).sort();

  const cold = await list();
  assertEquals(local(cold), expected);
  const problems = Object.fromEntries(cold.problems.map((p) => [p.file, p]));
  assertEquals(Object.keys(problems).sort(), Object.keys(BROKEN).sort());
  assertMatch(problems[".wst/tasks/broken_syntax.ts"]!.message, /^Cannot load the task module/);
  assertMatch(problems[".wst/tasks/broken_name.ts"]!.message, /^name: /);
  assertEquals(problems[".wst/tasks/broken_name.ts"]!.kind, "task-definition");
  assertMatch(problems[".wst/tasks/broken_throw.ts"]!.message, /refuses to load/);

  const warm = await list();
  assertEquals(warm, cold);
  const registry = `${env.WST_CACHE_DIR}/registry`;
  assertEquals((await Array.fromAsync(Deno.readDir(registry))).length, 1);

  // One module changes, one broken module is fixed: both show at the next listing.
  await Deno.writeTextFile(`${ws.dir}/.wst/tasks/task_7.ts`, task(7, "Changed task 7"));
  await Deno.writeTextFile(`${ws.dir}/.wst/tasks/broken_throw.ts`, task(99));
  const changed = await list();
  assertEquals(changed.tasks.find((t) => t.name === "task-7")?.description, "Changed task 7");
  assert(changed.tasks.some((t) => t.name === "task-99"), JSON.stringify(changed.tasks));
  assertEquals(changed.problems.length, 2);
});

Deno.test("wst list takes each namespace's tasks from the cache while its .wst/ folder is unchanged; a change in one folder re-inspects that folder only", async () => {
  const named = (name: string, description: string) =>
    `import { defineTask } from "@wst/wst";\n` +
    `export default defineTask({ name: ${JSON.stringify(name)}, description: ${
      JSON.stringify(description)
    }, run: () => 1 });\n`;
  await using ws = await workspace({
    ".wst/tasks/a.ts": named("a", "Task a"),
    "pkg/sub/.wst/tasks/b.ts": named("b", "Task b"),
  });
  const env = { WST_CACHE_DIR: `${ws.dir}/.cache-of-this-test` };
  const descriptions = async () => {
    const run = await wst(["list", "--root", ws.dir, "--json"], { env });
    assertEquals(run.code, 0, run.stderr);
    const listed: Listed = JSON.parse(run.stdout);
    return ["a", "pkg:sub:b"].map((name) => listed.tasks.find((t) => t.name === name)?.description);
  };
  assertEquals(await descriptions(), ["Task a", "Task b"]);
  // Planted descriptions show that both folders are answered from the cache…
  const registry = `${env.WST_CACHE_DIR}/registry`;
  const [file] = await Array.fromAsync(Deno.readDir(registry), (e) => `${registry}/${e.name}`);
  const cache = JSON.parse(await Deno.readTextFile(file!));
  assertEquals(Object.keys(cache.folders).sort(), [".wst", "pkg/sub/.wst"]);
  for (const module of Object.values(cache.modules) as { meta: { description: string } }[]) {
    module.meta.description = "From the cache";
  }
  await Deno.writeTextFile(file!, JSON.stringify(cache));
  assertEquals(await descriptions(), ["From the cache", "From the cache"]);
  // …until a module of one folder changes: that folder is inspected again, the other is not.
  await Deno.writeTextFile(`${ws.dir}/pkg/sub/.wst/tasks/b.ts`, named("b", "Task b, changed"));
  assertEquals(await descriptions(), ["From the cache", "Task b, changed"]);
  // A helper of the root's .wst/ folder changes: the root's modules are inspected again.
  await Deno.writeTextFile(`${ws.dir}/.wst/_helper.ts`, "export const x = 1;\n");
  assertEquals(await descriptions(), ["Task a", "Task b, changed"]);
});

Deno.test("describe and trust, which inspect every module again, name the modules that do not load", async () => {
  // A module that hangs costs them its time limit: without the warning, a slow `describe` of a
  // healthy task had no reason to show.
  await using ws = await workspace({ ...BROKEN, ".wst/tasks/good.ts": task(1) });
  for (const args of [["describe", "task-1"], ["trust", "task-1"]]) {
    const run = await wst([...args, "--root", ws.dir]);
    assertEquals(run.code, 0, run.stderr);
    assertMatch(run.stderr, /^warning: \.wst\/tasks\/broken_syntax\.ts:\d+:\d+: Cannot load/m);
  }
});

Deno.test("running or describing a task whose module does not load names that module, not an unknown command", async () => {
  await using ws = await workspace({ ...BROKEN, ".wst/tasks/good.ts": task(1) });
  for (const args of [["broken_syntax"], ["describe", "broken_syntax"]]) {
    const run = await wst([...args, "--root", ws.dir]);
    assertEquals(run.code, 2, run.stderr);
    assertMatch(run.stderr, /^warning: \.wst\/tasks\/broken_syntax\.ts:\d+:\d+: Cannot load/m);
    assertMatch(
      run.stderr,
      /^error: No task "broken_syntax": its module does not load: \.wst\/tasks\/broken_syntax\.ts:\d+:\d+: Cannot load/m,
    );
  }
  // A task named with "-" whose file is named with "_" (build_site.ts for build-site); the error is
  // whole in --json too.
  const json = await wst(["broken-syntax", "--root", ws.dir, "--json"]);
  assertEquals(json.code, 2, json.stderr);
  assertMatch(JSON.parse(json.stdout).error.message, /broken_syntax\.ts:\d+:\d+: Cannot load/);
  // A name no module has stays an unknown command (exit 2).
  const unknown = await wst(["nothing_like_it", "--root", ws.dir]);
  assertEquals(unknown.code, 2);
  assertMatch(unknown.stderr, /No command registered for `nothing_like_it`/);
});
