import { assertEquals } from "./assert.ts";
import {
  COMPILE_INCLUDES,
  ENTRY_POINT,
  REPO_ROOT,
  RUNTIME_FLAGS,
} from "../scripts/runtime_flags.ts";
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

Deno.test("every module wst loads with importOwn names one path twice and is embedded by deno compile", async () => {
  const call =
    /importOwn<\s*typeof import\("([^"]+)"\)\s*>\(\s*new URL\("([^"]+)", import\.meta\.url\)\s*,?\s*\)/g;
  const sources: string[] = [`${REPO_ROOT}/${ENTRY_POINT}`];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory && entry.name !== "_bundles") await walk(path);
      else if (
        entry.isFile && path.endsWith(".ts") && !path.endsWith("_test.ts") &&
        path !== `${REPO_ROOT}/lib/_load.ts` // its definition
      ) {
        sources.push(path);
      }
    }
  };
  await walk(`${REPO_ROOT}/lib`);
  const loaded = new Set<string>();
  for (const file of sources) {
    const text = await Deno.readTextFile(file);
    const calls = [...text.matchAll(call)];
    // Every call has the checked shape.
    const uses = text.split("importOwn<").length - 1;
    assertEquals(calls.length, uses, `${file}: an importOwn call of another shape`);
    for (const [, typePath, urlPath] of calls) {
      assertEquals(typePath, urlPath, `${file}: the type and the URL name different modules`);
      const url = new URL(urlPath!, `file://${file}`);
      loaded.add(decodeURIComponent(url.pathname).slice(REPO_ROOT.length + 1));
    }
  }
  assertEquals(loaded.size > 0, true);
  const missing = [...loaded].filter((path) =>
    !COMPILE_INCLUDES.some((include) =>
      include.endsWith("/") ? path.startsWith(include) : path === include
    )
  );
  assertEquals(missing, [], "loaded with importOwn, missing from COMPILE_INCLUDES");
});
