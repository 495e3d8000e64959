import { assertEquals } from "../../tests/assert.ts";
import { discoverNamespaces } from "./_namespaces.ts";

const TASK = ".wst/tasks/t.ts";

/** A tree and a cache folder of its own (WST_CACHE_DIR), removed afterwards. */
async function withTree(
  files: Record<string, string>,
  fn: (root: string, cache: string) => Promise<void>,
): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "wst-walk-" }));
  const cache = await Deno.makeTempDir({ prefix: "wst-walk-cache-" });
  for (const [path, content] of Object.entries(files)) {
    const full = `${root}/${path}`;
    await Deno.mkdir(full.slice(0, full.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(full, content);
  }
  const before = Deno.env.get("WST_CACHE_DIR");
  Deno.env.set("WST_CACHE_DIR", cache);
  try {
    await fn(root, cache);
  } finally {
    if (before === undefined) Deno.env.delete("WST_CACHE_DIR");
    else Deno.env.set("WST_CACHE_DIR", before);
    await Deno.remove(root, { recursive: true });
    await Deno.remove(cache, { recursive: true });
  }
}

/** Sets every path of the tree an hour back: a walk's witness is trusted only when not racy. */
function age(root: string): void {
  const past = new Date(Date.now() - 3_600_000);
  const visit = (path: string) => {
    for (const entry of Deno.readDirSync(path)) {
      const child = `${path}/${entry.name}`;
      if (entry.isDirectory) visit(child);
      Deno.utimeSync(child, past, past);
    }
  };
  visit(root);
  Deno.utimeSync(root, past, past);
}

/** Puts a folder the tree does not have into the kept walk: seen only when the kept walk is taken. */
function plant(cache: string): void {
  const dir = `${cache}/namespaces`;
  const [file] = [...Deno.readDirSync(dir)].map((e) => `${dir}/${e.name}`);
  const kept = JSON.parse(Deno.readTextFileSync(file!));
  kept.result.found.push("planted");
  Deno.writeTextFileSync(file!, JSON.stringify(kept));
}

const names = async (root: string) =>
  (await discoverNamespaces(root, { cache: true })).namespaces.map((n) => n.name);

Deno.test("discoverNamespaces({ cache }) takes the kept walk while every witness holds", async () => {
  await withTree({ [`a/${TASK}`]: "", "b/c/.keep": "" }, async (root, cache) => {
    age(root);
    assertEquals(await names(root), ["a"]);
    plant(cache);
    assertEquals(await names(root), ["a", "planted"]);
    // Without the cache option the tree is walked.
    assertEquals((await discoverNamespaces(root)).namespaces.map((n) => n.name), ["a"]);
  });
});

Deno.test("discoverNamespaces({ cache }) walks again after any change a walk would see", async () => {
  const changes: [string, (root: string) => void, string[]][] = [
    ["a new folder with tasks", (r) => Deno.mkdirSync(`${r}/b/c/.wst/tasks`, { recursive: true }), [
      "a",
      "b:c",
    ]],
    ["tasks inside an existing .wst", (r) => Deno.mkdirSync(`${r}/d/.wst/tasks`), ["a", "d"]],
    ["a .gitignore edited", (r) => Deno.writeTextFileSync(`${r}/.gitignore`, "a/\n"), []],
    ["a folder with tasks removed", (r) => Deno.removeSync(`${r}/a`, { recursive: true }), []],
  ];
  for (const [what, change, expected] of changes) {
    await withTree(
      { [`a/${TASK}`]: "", "b/c/.keep": "", "d/.wst/.keep": "", ".gitignore": "x/\n" },
      async (root, cache) => {
        age(root);
        assertEquals(await names(root), ["a"], what);
        plant(cache);
        change(root);
        assertEquals(await names(root), expected, what);
      },
    );
  }
});

Deno.test("discoverNamespaces({ cache }) does not take a walk whose witness is as new as the walk", async () => {
  await withTree({ [`a/${TASK}`]: "" }, async (root, cache) => {
    assertEquals(await names(root), ["a"]);
    plant(cache);
    assertEquals(await names(root), ["a"]);
  });
});
