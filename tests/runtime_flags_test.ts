import { assertEquals } from "./assert.ts";
import { ENTRY_POINT, REPO_ROOT, RUNTIME_FLAGS } from "../scripts/runtime_flags.ts";
import { bundleFiles, compileArgs } from "../scripts/compile.ts";
import { builtinTasks } from "../lib/registry/mod.ts";
import {
  BUNDLE_CACHE,
  bundleStem,
  GUARD_BUNDLE,
  isFresh,
  readStamp,
  RUNTIME_BUNDLE,
} from "../lib/registry/_bundle_cache.ts";

Deno.test("deno.json's wst task runs the entry point with exactly the runtime flags", async () => {
  const config = JSON.parse(await Deno.readTextFile(`${REPO_ROOT}/deno.json`));
  const words = String(config.tasks.wst).split(/\s+/);
  assertEquals(words.slice(0, 2), ["deno", "run"]);
  assertEquals(words.at(-1), ENTRY_POINT);
  assertEquals(
    words.filter((w) =>
      w.startsWith("--allow") || w.startsWith("--no-prompt") || w.startsWith("--unstable") ||
      w.startsWith("--v8-flags")
    ),
    [...RUNTIME_FLAGS],
  );
});

Deno.test("compileArgs() uses the same flags, embeds the task modules and passes --target", () => {
  const args = compileArgs({ target: "aarch64-apple-darwin", output: "dist/wst", bundles: [] });
  assertEquals(args.slice(0, 1 + RUNTIME_FLAGS.length), ["compile", ...RUNTIME_FLAGS]);
  assertEquals(args.includes("tasks/"), true);
  assertEquals(args.slice(-5), [
    "--target",
    "aarch64-apple-darwin",
    "--output",
    "dist/wst",
    ENTRY_POINT,
  ]);
});

Deno.test("deno task compile embeds every built-in task's fresh bundle, its chunks and its stamp, wst guard's and the worker runtime's, nothing else of the cache", async () => {
  const args = compileArgs({ output: "dist/wst", bundles: await bundleFiles() });
  const included = args.flatMap((arg, i) => (args[i - 1] === "--include" ? [arg] : []));
  const cached = included.filter((path) => path.startsWith("lib/registry/_bundles/"));
  const expected = [];
  // Every built-in task's, wst guard's (a plain module: docs/adr/0018) and the worker runtime's,
  // which local tasks' workers import (docs/adr/0004).
  const modules = [
    ...builtinTasks().map((task) => ({ name: task.name, file: task.file })),
    { name: "guard", file: GUARD_BUNDLE.module },
    { name: "worker runtime", file: RUNTIME_BUNDLE.module },
  ];
  for (const task of modules) {
    const stamp = readStamp(task.file, BUNDLE_CACHE);
    assertEquals(stamp !== null && isFresh(stamp, BUNDLE_CACHE), true, `${task.name}'s stamp`);
    const stem = bundleStem(task.file);
    // The bundle's chunks too (code it loads on some paths only: docs/adr/0004).
    const files = [stamp!.bundle, ...(stamp!.chunks ?? [])];
    expected.push(
      `lib/registry/_bundles/${stem}.stamp.json`,
      ...files.map((file) => `lib/registry/_bundles/${file}`),
    );
    for (const file of files) {
      assertEquals((await Deno.stat(`${REPO_ROOT}/lib/registry/_bundles/${file}`)).isFile, true);
    }
  }
  // validate-config's chunks hold the yaml package, which only an invalid file loads.
  const validate = readStamp(
    builtinTasks().find((t) => t.name === "validate-config")!.file,
    BUNDLE_CACHE,
  );
  assertEquals((validate?.chunks ?? []).length > 0, true, "validate-config has its chunks");
  assertEquals(cached.sort(), expected.sort());
});
