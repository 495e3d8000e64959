import { assertEquals, rejection } from "../tests/assert.ts";
import { workspace } from "../tests/_cli.ts";
import { ConfigError, UsageError } from "../lib/errors/mod.ts";
import { runTask } from "../lib/task/testing.ts";
import task, { workspaceTasks } from "./init.ts";

Deno.test("init creates deno.json, is idempotent, and replaces tasks only with --force", async () => {
  await using ws = await workspace({});
  const first = await runTask(task, {}, { root: ws.dir });
  assertEquals(first.value.action, "created");
  assertEquals(JSON.parse(await Deno.readTextFile(`${ws.dir}/deno.json`)), {
    tasks: workspaceTasks("wst"),
  });
  assertEquals((await runTask(task, {}, { root: ws.dir })).value.action, "unchanged");
  await rejection(() => runTask(task, { command: "./wst" }, { root: ws.dir }), UsageError);
  const forced = await runTask(task, { command: "./wst", force: true }, { root: ws.dir });
  assertEquals(forced.value.tasks["test:mr:all"], './wst test-mr-all --root "$PWD"');
});

Deno.test("init leaves a deno.json it cannot parse untouched", async () => {
  const original = '{\n  // comments\n  "tasks": {}\n}\n';
  await using ws = await workspace({ "deno.json": original });
  await rejection(() => runTask(task, {}, { root: ws.dir }), ConfigError);
  assertEquals(await Deno.readTextFile(`${ws.dir}/deno.json`), original);
  for await (const entry of Deno.readDir(ws.dir)) assertEquals(entry.name, "deno.json");
});
