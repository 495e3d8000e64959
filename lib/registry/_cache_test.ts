import { assert, assertEquals, assertNotEquals } from "../../tests/assert.ts";
import {
  cacheHome,
  fingerprint,
  type FolderPrints,
  folderPrints,
  readCache,
  type RegistryCache,
  writeCache,
} from "./_cache.ts";
import { loadLimits } from "./_inspect.ts";

/** Prints with one folder whose fingerprint is `print`. */
const prints = (print: string): FolderPrints => ({
  stamp: "stamp",
  taken: 0,
  folders: { ".wst": { fingerprint: print, files: {} } },
});

const META = {
  name: "good",
  description: "A good task",
  argsSchema: { type: "object" },
  permissions: {},
};

/** Runs `fn` with WST_CACHE_DIR set to a fresh folder, then removes it. */
async function withCacheDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "wst-cache-test-" });
  const before = Deno.env.get("WST_CACHE_DIR");
  Deno.env.set("WST_CACHE_DIR", dir);
  try {
    await fn(dir);
  } finally {
    if (before === undefined) Deno.env.delete("WST_CACHE_DIR");
    else Deno.env.set("WST_CACHE_DIR", before);
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("cacheHome: WST_CACHE_DIR, then XDG_CACHE_HOME/wst, then ~/.cache/wst", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assertEquals(cacheHome(env({ WST_CACHE_DIR: "/c", XDG_CACHE_HOME: "/x", HOME: "/h" })), "/c");
  assertEquals(cacheHome(env({ XDG_CACHE_HOME: "/x", HOME: "/h" })), "/x/wst");
  if (Deno.build.os !== "windows") {
    assertEquals(cacheHome(env({ HOME: "/h" })), "/h/.cache/wst");
    assertEquals(cacheHome(env({})), undefined);
  }
});

Deno.test("loadLimits: defaults, and the env vars when they are sensible", () => {
  const env = (vars: Record<string, string>) => (name: string) => vars[name];
  assertEquals(loadLimits(env({})), { timeoutMs: 5_000, memoryMb: 256 });
  assertEquals(loadLimits(env({ WST_LOAD_TIMEOUT: "0.5", WST_LOAD_MEMORY: "1024" })), {
    timeoutMs: 500,
    memoryMb: 1024,
  });
  assertEquals(loadLimits(env({ WST_LOAD_TIMEOUT: "-1", WST_LOAD_MEMORY: "1" })), {
    timeoutMs: 5_000,
    memoryMb: 256,
  });
});

Deno.test("registry cache: round trip, one file per root, entries of the wrong shape dropped", async () => {
  await withCacheDir(async (dir) => {
    const namespaces = [{ name: "seed", dir: "platform/seed" }];
    await writeCache("/root/a", prints("f1"), {
      modules: { ".wst/tasks/a.ts": { meta: META } },
      namespaces,
    });
    await writeCache("/root/b", prints("f2"), {
      modules: { ".wst/tasks/b.ts": { problem: { message: "boom", kind: "task-failed" } } },
      namespaces: [],
    });
    const a = readCache("/root/a");
    assertEquals(a?.folders[".wst"]?.fingerprint, "f1");
    assertEquals(a?.modules, { ".wst/tasks/a.ts": { meta: META } });
    assertEquals(a?.namespaces, namespaces);
    assertEquals(readCache("/root/b")?.folders[".wst"]?.fingerprint, "f2");
    assertEquals(readCache("/root/c"), undefined);
    const files = await Array.fromAsync(Deno.readDir(`${dir}/registry`), (e) => e.name);
    assertEquals(files.length, 2);
    // Planted garbage: a string, an array, a problem without a message.
    const path = `${dir}/registry/${files.find((f) => f !== "")}`;
    const cache = JSON.parse(await Deno.readTextFile(path));
    cache.modules = {
      "x.ts": "meta",
      "y.ts": [1],
      "z.ts": { problem: { kind: "task-failed" } },
      "ok.ts": { meta: META },
    };
    cache.namespaces = [{ name: "out", dir: "../elsewhere" }, { name: 1 }, { name: "x", dir: "x" }];
    await Deno.writeTextFile(path, JSON.stringify(cache));
    const read = readCache(cache.root);
    assertEquals(Object.keys(read?.modules ?? {}), ["ok.ts"]);
    assertEquals(read?.namespaces, [{ name: "x", dir: "x" }]);
  });
});

Deno.test("registry cache: writers racing in one process leave one whole file and no temporary files", async () => {
  await withCacheDir(async (dir) => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        writeCache("/root/a", prints(`f${i}`), {
          modules: {
            ".wst/tasks/a.ts": { meta: { ...META, description: "x".repeat(i * 1000) } },
          },
          namespaces: [],
        })),
    );
    const files = await Array.fromAsync(Deno.readDir(`${dir}/registry`), (e) => e.name);
    assertEquals(files.length, 1, files.join(", "));
    const cache = readCache("/root/a");
    assert(cache !== undefined);
    const i = Number(cache.folders[".wst"]!.fingerprint.slice(1));
    const meta = (cache.modules[".wst/tasks/a.ts"] as { meta: typeof META }).meta;
    assertEquals(meta.description.length, i * 1000);
  });
});

Deno.test("fingerprint: changes with any module file of .wst/, not with other files", async () => {
  const root = await Deno.makeTempDir({ prefix: "wst-fingerprint-" });
  try {
    await Deno.mkdir(`${root}/.wst/tasks`, { recursive: true });
    await Deno.writeTextFile(`${root}/.wst/tasks/a.ts`, "export default 1;\n");
    const first = await fingerprint(root);
    assertEquals(await fingerprint(root), first);
    await Deno.writeTextFile(`${root}/README.md`, "not a module\n");
    await Deno.mkdir(`${root}/.wst/cache`);
    await Deno.writeTextFile(`${root}/.wst/cache/x.json`, "{}");
    assertEquals(await fingerprint(root), first);
    await Deno.writeTextFile(`${root}/.wst/_helper.json`, "{}");
    const second = await fingerprint(root);
    assertNotEquals(second, first);
    await Deno.writeTextFile(`${root}/.wst/tasks/a.ts`, "export default 2;\n");
    assertNotEquals(await fingerprint(root), second);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("fingerprint: covers the .wst/ folder of every namespace given", async () => {
  const root = await Deno.makeTempDir({ prefix: "wst-fingerprint-" });
  try {
    await Deno.mkdir(`${root}/.wst/tasks`, { recursive: true });
    await Deno.mkdir(`${root}/platform/seed/.wst/tasks`, { recursive: true });
    await Deno.writeTextFile(`${root}/platform/seed/.wst/tasks/s.ts`, "export default 1;\n");
    const dirs = ["", "platform/seed"];
    const first = await fingerprint(root, dirs);
    assertNotEquals(await fingerprint(root), first);
    await Deno.writeTextFile(`${root}/platform/seed/.wst/tasks/s.ts`, "export default 2;\n");
    const second = await fingerprint(root, dirs);
    assertNotEquals(second, first);
    await Deno.writeTextFile(`${root}/platform/seed/.wst/_lib.ts`, "export const x = 1;\n");
    assertNotEquals(await fingerprint(root, dirs), second);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("folderPrints: a settled file whose lstat is unchanged keeps its recorded hash unread; a changed or racy one is read again", async () => {
  const root = await Deno.makeTempDir({ prefix: "wst-prints-" });
  try {
    await Deno.mkdir(`${root}/.wst/tasks`, { recursive: true });
    const file = `${root}/.wst/tasks/a.ts`;
    await Deno.writeTextFile(file, "export default 1;\n");
    const first = await folderPrints(root, [".wst"]);
    assertEquals(Object.keys(first.folders[".wst"]!.files), ["tasks/a.ts"]);
    // A cache whose stamps were taken long after the file last changed, with a planted hash and
    // fingerprint: the fast path takes them without reading the file.
    const planted = (taken: number): RegistryCache => ({
      format: 5,
      root,
      stamp: first.stamp,
      taken,
      modules: {},
      namespaces: [],
      folders: {
        ".wst": {
          fingerprint: "planted",
          files: { "tasks/a.ts": { ...first.folders[".wst"]!.files["tasks/a.ts"]!, hash: "x" } },
        },
      },
    });
    const settled = await folderPrints(root, [".wst"], { previous: planted(Date.now() + 10_000) });
    assertEquals(settled.folders[".wst"]!.fingerprint, "planted");
    assertEquals(settled.refreshed, false);
    // Stamps taken right after the file was written are racy: it is read and hashed.
    const racy = await folderPrints(root, [".wst"], { previous: planted(first.taken) });
    assertEquals(racy.folders[".wst"]!.fingerprint, first.folders[".wst"]!.fingerprint);
    // A change of the same size, its mtime moved: read again, a new fingerprint.
    await Deno.writeTextFile(file, "export default 2;\n");
    await Deno.utime(file, new Date(2001, 1, 1), new Date(2001, 1, 1));
    const changed = await folderPrints(root, [".wst"], { previous: planted(Date.now() + 10_000) });
    assertNotEquals(changed.folders[".wst"]!.fingerprint, "planted");
    assertNotEquals(changed.folders[".wst"]!.fingerprint, first.folders[".wst"]!.fingerprint);
    // A new file, and a removed one, change the fingerprint too.
    await Deno.writeTextFile(`${root}/.wst/tasks/b.ts`, "export default 3;\n");
    const added = await folderPrints(root, [".wst"]);
    assertNotEquals(added.folders[".wst"]!.fingerprint, changed.folders[".wst"]!.fingerprint);
    await Deno.remove(`${root}/.wst/tasks/b.ts`);
    const removed = await folderPrints(root, [".wst"]);
    assertEquals(removed.folders[".wst"]!.fingerprint, changed.folders[".wst"]!.fingerprint);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
