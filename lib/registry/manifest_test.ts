import { assertEquals } from "../../tests/assert.ts";
import { buildManifest, MANIFEST_PATH } from "./_build_manifest.ts";
import { builtinTasks } from "./mod.ts";

Deno.test("the committed task manifest matches the task modules (run `deno task manifest`)", async () => {
  assertEquals(await Deno.readTextFile(MANIFEST_PATH), await buildManifest());
});

Deno.test("builtinTasks() points each entry at an existing module", async () => {
  for (const task of builtinTasks()) {
    assertEquals((await Deno.stat(new URL(task.url))).isFile, true, task.url);
  }
});
