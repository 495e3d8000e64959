import { assert, assertEquals, assertMatch, rejection } from "../../tests/assert.ts";
import { WstError } from "../errors/mod.ts";
import { ensureBundle } from "./_bundle_build.ts";
import { type BundleCacheOptions, bundleUrl, isFresh, readStamp } from "./_bundle_cache.ts";

const BUILDER = new URL("./_bundle_build.ts", import.meta.url).href;
const MODULE = "tasks/hello.ts";

/** A tiny checkout: a runtime and a task module importing a helper, and an empty cache. */
async function checkout(): Promise<{ dir: string; cache: BundleCacheOptions }> {
  const dir = await Deno.realPath(await Deno.makeTempDir({ prefix: "wst-bundle-test-" }));
  await Deno.mkdir(`${dir}/tasks`);
  await Deno.writeTextFile(`${dir}/deno.json`, "{}\n");
  await Deno.writeTextFile(
    `${dir}/runtime.ts`,
    `export function serve(task: { greeting: string }): void {\n` +
      `  (globalThis as Record<string, unknown>).wstBundleTest = task.greeting;\n}\n`,
  );
  await Deno.writeTextFile(
    `${dir}/tasks/hello.ts`,
    `import { greeting } from "./_greeting.ts";\nexport default { greeting };\n`,
  );
  await Deno.writeTextFile(`${dir}/tasks/_greeting.ts`, `export const greeting = "hello v1";\n`);
  const root = new URL(`file://${dir}/`);
  return {
    dir,
    cache: {
      root,
      cacheDir: new URL("cache/", root),
      runtime: new URL("runtime.ts", root),
    },
  };
}

/** What the bundle does when a worker loads it: here, the greeting it hands to `serve`. */
async function greetingOf(url: string): Promise<unknown> {
  const g = globalThis as Record<string, unknown>;
  delete g.wstBundleTest;
  await import(url);
  return g.wstBundleTest;
}

async function cacheFiles(cache: BundleCacheOptions): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(cache.cacheDir)) names.push(entry.name);
  return names.sort();
}

const mtimeOf = async (url: string | URL) => (await Deno.stat(new URL(url))).mtime?.getTime();

Deno.test("bundleUrl() builds a missing bundle from the task's module graph", async () => {
  const { dir, cache } = await checkout();
  try {
    const url = bundleUrl(MODULE, { task: "hello", cache });
    assertEquals(await greetingOf(url), "hello v1");
    const stamp = readStamp(MODULE, cache)!;
    assertEquals(new URL(stamp.bundle, cache.cacheDir).href, url);
    assertMatch(stamp.bundle, /^hello-[0-9a-f]{16}\.js$/);
    const paths = stamp.sources.map(([path]) => path);
    for (const path of ["deno.json", "runtime.ts", "tasks/_greeting.ts", "tasks/hello.ts"]) {
      assertEquals(paths.includes(path), true, `the stamp lists ${path}`);
    }
    assertEquals(await cacheFiles(cache), [stamp.bundle, "hello.lock", "hello.stamp.json"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ensureBundle() reuses a bundle whose sources are unchanged, without writing", async () => {
  const { dir, cache } = await checkout();
  try {
    const first = await ensureBundle(MODULE, cache);
    assertEquals(first.outcome, "built");
    const stampUrl = new URL("hello.stamp.json", cache.cacheDir);
    const before = [await mtimeOf(first.url), await mtimeOf(stampUrl)];
    await new Promise((resolve) => setTimeout(resolve, 20));
    assertEquals(await ensureBundle(MODULE, cache), { url: first.url, outcome: "reused" });
    assertEquals([await mtimeOf(first.url), await mtimeOf(stampUrl)], before);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ensureBundle() rebuilds when a source changes, and removes the old bundle", async () => {
  const { dir, cache } = await checkout();
  try {
    const first = await ensureBundle(MODULE, cache);
    await Deno.writeTextFile(`${dir}/tasks/_greeting.ts`, `export const greeting = "hello v2";\n`);
    assertEquals(isFresh(readStamp(MODULE, cache)!, cache), false);
    const second = await ensureBundle(MODULE, cache);
    assertEquals(second.outcome, "built");
    assertEquals(second.url === first.url, false, "a new hash, a new file");
    assertEquals(await greetingOf(second.url), "hello v2");
    assertEquals((await cacheFiles(cache)).filter((name) => name.endsWith(".js")), [
      new URL(second.url).pathname.split("/").at(-1),
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ensureBundle() only restamps a source that was touched but not changed", async () => {
  const { dir, cache } = await checkout();
  try {
    const first = await ensureBundle(MODULE, cache);
    const built = await mtimeOf(first.url);
    const later = new Date(Date.now() + 60_000);
    await Deno.utime(`${dir}/tasks/_greeting.ts`, later, later);
    assertEquals(isFresh(readStamp(MODULE, cache)!, cache), false);
    assertEquals(await ensureBundle(MODULE, cache), { url: first.url, outcome: "restamped" });
    assertEquals(await mtimeOf(first.url), built, "the bundle was not rewritten");
    assertEquals(isFresh(readStamp(MODULE, cache)!, cache), true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ensureBundle() follows a new import: the new file is in the key", async () => {
  const { dir, cache } = await checkout();
  try {
    await ensureBundle(MODULE, cache);
    await Deno.writeTextFile(`${dir}/tasks/_extra.ts`, `export const extra = "!";\n`);
    await Deno.writeTextFile(
      `${dir}/tasks/hello.ts`,
      `import { greeting } from "./_greeting.ts";\nimport { extra } from "./_extra.ts";\n` +
        `export default { greeting: greeting + extra };\n`,
    );
    assertEquals(await greetingOf((await ensureBundle(MODULE, cache)).url), "hello v1!");
    await Deno.writeTextFile(`${dir}/tasks/_extra.ts`, `export const extra = "?!";\n`);
    const third = await ensureBundle(MODULE, cache);
    assertEquals(third.outcome, "built");
    assertEquals(await greetingOf(third.url), "hello v1?!");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("concurrent builders of one bundle build it once and all get the whole file", async () => {
  const { dir, cache } = await checkout();
  try {
    const builders = Array.from({ length: 4 }, () =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-all",
          "--no-config",
          "--quiet",
          BUILDER,
          MODULE,
          "--root",
          cache.root.href,
          "--cache-dir",
          cache.cacheDir.href,
          "--runtime",
          cache.runtime.href,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output());
    const results = (await Promise.all(builders)).map((out) => {
      assertEquals(out.success, true, new TextDecoder().decode(out.stderr));
      return JSON.parse(new TextDecoder().decode(out.stdout)) as { url: string; outcome: string };
    });
    assertEquals(results.map((r) => r.outcome).sort(), ["built", "reused", "reused", "reused"]);
    assertEquals(new Set(results.map((r) => r.url)).size, 1);
    assertEquals(await greetingOf(results[0]!.url), "hello v1");
    assertEquals((await cacheFiles(cache)).filter((name) => name.endsWith(".tmp")), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bundleUrl() reports a build failure with the task's name and deno bundle's message", async () => {
  const { dir, cache } = await checkout();
  try {
    await Deno.writeTextFile(`${dir}/tasks/_greeting.ts`, `export const greeting = ;\n`);
    const build = () => Promise.resolve().then(() => bundleUrl(MODULE, { task: "hello", cache }));
    const err = await rejection(build, WstError);
    assertEquals(err.exitCode, 1);
    assertMatch(
      err.message,
      /^Cannot build the worker bundle of task "hello" from "tasks\/hello\.ts": deno bundle failed:\n/,
    );
    assertMatch(err.message, /Expression expected[^]*tasks\/_greeting\.ts:1:/);
    assertEquals(err.message.includes("\x1b["), false, "no colour codes");
    // The failure is remembered: asking again does not build again.
    assertEquals(await rejection(build, WstError) === err, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bundleUrl() in a compiled binary trusts the embedded stamp and never builds", async () => {
  const { dir, cache } = await checkout();
  try {
    const { url } = await ensureBundle(MODULE, cache);
    // The sources of a compiled binary are not there to stat: here, one changed.
    await Deno.writeTextFile(`${dir}/tasks/_greeting.ts`, `export const greeting = "hello v2";\n`);
    const trusted = bundleUrl(MODULE, { task: "hello", cache, standalone: true });
    assertEquals(trusted, url);
    assertEquals(await greetingOf(trusted), "hello v1");

    const empty = { ...cache, cacheDir: new URL("empty/", cache.root) };
    const none = () =>
      Promise.resolve().then(() =>
        bundleUrl(MODULE, { task: "hello", cache: empty, standalone: true })
      );
    const err = await rejection(none, WstError);
    assertEquals(
      err.message,
      'Cannot start task "hello": this binary holds no worker bundle for "tasks/hello.ts" ' +
        '(build it with "deno task compile")',
    );
    assertEquals(await Deno.stat(empty.cacheDir).catch(() => null), null, "nothing built");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bundleUrl() says so when the cache folder cannot be written", async () => {
  const { dir, cache } = await checkout();
  try {
    await Deno.writeTextFile(`${dir}/file`, "");
    const blocked = { ...cache, cacheDir: new URL("file/cache/", cache.root) };
    const build = () =>
      Promise.resolve().then(() => bundleUrl(MODULE, { task: "hello", cache: blocked }));
    const err = await rejection(build, WstError);
    assertMatch(
      err.message,
      new RegExp(
        `^Cannot build the worker bundle of task "hello" from "tasks/hello.ts": ` +
          `cannot write to the bundle cache "${dir}/file/cache/": .+ ` +
          `\\(run "deno task build" once as a user who can\\)$`,
      ),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("isFresh() holds a stamp from another Deno version stale: its bundler built the bundle", async () => {
  const { dir, cache } = await checkout();
  try {
    await ensureBundle(MODULE, cache);
    const stamp = readStamp(MODULE, cache)!;
    assertEquals(isFresh(stamp, cache), true);
    assertEquals(isFresh({ ...stamp, deno: "2.0.0" }, cache), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ensureBundle() puts what the task imports on some paths only in a chunk named after the bundle, and prunes old chunks", async () => {
  const { dir, cache } = await checkout();
  try {
    const lazy = (version: string) =>
      `export async function greeting(): Promise<string> {\n` +
      `  return (await import("./_rare.ts")).rare;\n}\n` +
      `export const version = "${version}";\n`;
    await Deno.writeTextFile(`${dir}/tasks/_rare.ts`, `export const rare = "rare v1";\n`);
    await Deno.writeTextFile(
      `${dir}/tasks/hello.ts`,
      `import { greeting } from "./_lazy.ts";\nexport default { greeting: await greeting() };\n`,
    );
    await Deno.writeTextFile(`${dir}/tasks/_lazy.ts`, lazy("1"));
    const first = await ensureBundle(MODULE, cache);
    const stamp = readStamp(MODULE, cache)!;
    const named = stamp.bundle.replace(/\.js$/, "");
    assert((stamp.chunks ?? []).length > 0, "the dynamic import is a chunk");
    for (const chunk of stamp.chunks!) {
      assert(chunk.startsWith(`${named}.`) && chunk.endsWith(".js"), chunk);
      assertEquals((await Deno.stat(new URL(chunk, cache.cacheDir))).isFile, true);
    }
    const text = await Deno.readTextFile(new URL(first.url));
    assertEquals(text.includes("rare v1"), false, "the rare code is not in the bundle itself");
    assertEquals(await greetingOf(first.url), "rare v1");
    assertEquals(isFresh(stamp, cache), true);
    // A missing chunk makes the stamp stale: the bundle is built again.
    await Deno.remove(new URL(stamp.chunks![0]!, cache.cacheDir));
    assertEquals(isFresh(stamp, cache), false);
    assertEquals((await ensureBundle(MODULE, cache)).outcome, "built");
    // A new version: the old bundle and its chunks go.
    await Deno.writeTextFile(`${dir}/tasks/_lazy.ts`, lazy("2"));
    const second = await ensureBundle(MODULE, cache);
    const next = readStamp(MODULE, cache)!;
    assertEquals(
      (await cacheFiles(cache)).filter((name) => name.endsWith(".js")),
      [next.bundle, ...next.chunks!].sort(),
    );
    assertEquals(await greetingOf(second.url), "rare v1");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
