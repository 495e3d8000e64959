import { assertEquals } from "../../tests/assert.ts";
import { buildBundles, buildManifest, BUNDLES_DIR, MANIFEST_PATH } from "./_build_manifest.ts";
import { builtinTasks } from "./mod.ts";

Deno.test("the committed task manifest matches the task modules (run `deno task manifest`)", async () => {
  assertEquals(await Deno.readTextFile(MANIFEST_PATH), await buildManifest());
});

Deno.test("the committed worker bundles match their sources (run `deno task manifest`)", async () => {
  const committed = new Map<string, string>();
  for await (const entry of Deno.readDir(BUNDLES_DIR)) {
    committed.set(entry.name, await Deno.readTextFile(new URL(entry.name, BUNDLES_DIR)));
  }
  const built = await buildBundles();
  assertEquals([...committed.keys()].sort(), [...built.keys()].sort());
  for (const [name, text] of built) {
    // Compared as booleans so that a stale bundle does not print 200 kB of diff.
    assertEquals(committed.get(name) === text, true, `lib/registry/_bundles/${name} is stale`);
  }
});

Deno.test("builtinTasks() points each entry at an existing module and bundle", async () => {
  for (const task of builtinTasks()) {
    assertEquals((await Deno.stat(new URL(task.url))).isFile, true, task.url);
    assertEquals((await Deno.stat(new URL(task.worker!))).isFile, true, task.worker);
  }
});
